/// One user action, as Event v1 carries it (`topics/schemas/event-v1.schema.json`).
///
/// Times are event time: milliseconds since the Unix epoch, UTC, as the event
/// says, never the time it was processed.
public struct Event: Sendable, Equatable {
    public var userID: String
    public var itemID: String
    /// One of the configured event types (``EventSchema/weights``).
    public var type: String
    public var timestampMilliseconds: Int64
    /// The rating for `rating` events; an optional weight multiplier otherwise.
    public var value: Double?
    /// The producer's id for the event, for de-duplication downstream.
    public var eventID: String?
    /// Item attributes, e.g. `category`, `price`.
    public var item: [String: EventAttribute]
    /// Free-form context, e.g. `device`, `session`.
    public var context: [String: EventAttribute]

    public init(
        userID: String,
        itemID: String,
        type: String,
        timestampMilliseconds: Int64,
        value: Double? = nil,
        eventID: String? = nil,
        item: [String: EventAttribute] = [:],
        context: [String: EventAttribute] = [:]
    ) {
        self.userID = userID
        self.itemID = itemID
        self.type = type
        self.timestampMilliseconds = timestampMilliseconds
        self.value = value
        self.eventID = eventID
        self.item = item
        self.context = context
    }
}

/// A scalar attribute value of an item or a context.
public enum EventAttribute: Sendable, Equatable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
}
