/// Which CSV column feeds which event field: `--map user=visitorid,item=itemid,…`.
public struct CSVMapping: Sendable, Equatable {
    public var user: String
    public var item: String
    public var timestamp: String
    /// The column holding the event type; or give every row ``fixedType``.
    public var type: String?
    public var fixedType: String?
    public var value: String?
    public var eventID: String?
    /// `item.category=categoryid` → ("category", "categoryid").
    public var itemAttributes: [(String, String)] = []
    public var contextAttributes: [(String, String)] = []
    /// Renames of type values, e.g. `addtocart` → `add_to_cart`.
    public var typeNames: [String: String] = [:]

    public static func == (lhs: CSVMapping, rhs: CSVMapping) -> Bool {
        lhs.user == rhs.user && lhs.item == rhs.item && lhs.timestamp == rhs.timestamp && lhs.type == rhs.type
            && lhs.fixedType == rhs.fixedType && lhs.value == rhs.value && lhs.eventID == rhs.eventID
            && lhs.itemAttributes.elementsEqual(rhs.itemAttributes, by: ==)
            && lhs.contextAttributes.elementsEqual(rhs.contextAttributes, by: ==) && lhs.typeNames == rhs.typeNames
    }

    /// Parses `--map`, `--type` and `--type-map`. Errors say what to change.
    public init(map: String?, fixedType: String? = nil, typeMap: String? = nil) throws(StreamRecError) {
        var targets: [String: String] = [:]
        var itemAttributes: [(String, String)] = []
        var contextAttributes: [(String, String)] = []
        for (target, column) in try ConfigurationKey.parseProperties(map ?? "", origin: "--map") {
            if target.hasPrefix("item."), target.count > 5 {
                itemAttributes.append((String(target.dropFirst(5)), column))
            } else if target.hasPrefix("context."), target.count > 8 {
                contextAttributes.append((String(target.dropFirst(8)), column))
            } else if ["user", "item", "type", "timestamp", "value", "event_id"].contains(target) {
                targets[target] = column
            } else {
                throw StreamRecError.configuration(
                    "--map: unknown field '\(target)'; map user, item, timestamp, type, value, event_id, item.NAME or context.NAME"
                )
            }
        }
        for required in ["user", "item", "timestamp"] where targets[required] == nil {
            throw StreamRecError.configuration(
                "--map must name the column for '\(required)', e.g. --map user=visitorid,item=itemid,type=event,timestamp=timestamp"
            )
        }
        guard (targets["type"] == nil) != (fixedType == nil) else {
            throw StreamRecError.configuration(
                fixedType == nil
                    ? "CSV needs the event type: map a column (--map type=COLUMN) or give one for every row (--type view)"
                    : "give either --map type=COLUMN or --type, not both")
        }
        user = targets["user"]!
        item = targets["item"]!
        timestamp = targets["timestamp"]!
        type = targets["type"]
        self.fixedType = fixedType
        value = targets["value"]
        eventID = targets["event_id"]
        self.itemAttributes = itemAttributes
        self.contextAttributes = contextAttributes
        typeNames = Dictionary(try ConfigurationKey.parseProperties(typeMap ?? "", origin: "--type-map")) { $1 }
    }
}
