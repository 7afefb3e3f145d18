import Foundation

/// Recommendation v1 (`topics/schemas/recommendation-v1.schema.json`): the top-N
/// list the engine publishes for one user, keyed by the user id on
/// `streamrec.recommendations`.
///
/// `basedOn` names the newest event the list reflects, so that a consumer can
/// drop an update older than one it already has (output is at-least-once).
public struct Recommendation: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var itemID: String
        public var score: Double

        public init(itemID: String, score: Double) {
            self.itemID = itemID
            self.score = score
        }
    }

    /// The event behind an update: where it was read and its event time.
    public struct Source: Sendable, Equatable {
        public var partition: Int32
        public var offset: Int64
        /// Event time, epoch milliseconds.
        public var eventTime: Int64

        public init(partition: Int32, offset: Int64, eventTime: Int64) {
            self.partition = partition
            self.offset = offset
            self.eventTime = eventTime
        }

        /// Whether this source comes later in its partition than `other`.
        public func isNewer(than other: Source) -> Bool {
            partition == other.partition ? offset > other.offset : eventTime > other.eventTime
        }
    }

    public static let version = 1

    public var userID: String
    public var items: [Item]
    public var model: String
    /// Wall-clock time of the refresh, epoch milliseconds.
    public var generatedAt: Int64
    public var basedOn: Source

    public init(userID: String, items: [Item], model: String, generatedAt: Int64, basedOn: Source) {
        self.userID = userID
        self.items = items
        self.model = model
        self.generatedAt = generatedAt
        self.basedOn = basedOn
    }

    /// Whether this update supersedes `other` for the same user: it reflects a
    /// later event, or the same event with a later refresh (a periodic refresh of
    /// a drifted list repeats its `based_on`).
    public func supersedes(_ other: Recommendation) -> Bool {
        if basedOn.isNewer(than: other.basedOn) { return true }
        return !other.basedOn.isNewer(than: basedOn) && generatedAt > other.generatedAt
    }

    // The fixed parts of the message, built once rather than on every refresh.
    private static let head = Array(#"{"version":1,"user_id":"#.utf8)
    private static let itemsKey = Array(#","items":["#.utf8)
    private static let itemKey = Array(#"{"item_id":"#.utf8)
    private static let scoreKey = Array(#","score":"#.utf8)
    private static let modelKey = Array(#"],"model":"#.utf8)
    private static let generatedKey = Array(#","generated_at":"#.utf8)
    private static let basedOnKey = Array(#","based_on":{"partition":"#.utf8)
    private static let offsetKey = Array(#","offset":"#.utf8)
    private static let eventTimeKey = Array(#","event_time":"#.utf8)
    private static let tail = Array("}}".utf8)

    /// The JSON message value, fields in schema order.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96 + items.count * 40)
        bytes += Self.head
        JSONWriter.appendString(userID, to: &bytes)
        bytes += Self.itemsKey
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Self.itemKey
            JSONWriter.appendString(item.itemID, to: &bytes)
            bytes += Self.scoreKey
            JSONWriter.appendNumber(item.score.isFinite ? item.score : 0, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes += Self.modelKey
        JSONWriter.appendString(model, to: &bytes)
        bytes += Self.generatedKey
        JSONWriter.appendString(RFC3339.format(generatedAt), to: &bytes)
        bytes += Self.basedOnKey
        JSONWriter.appendInteger(Int64(basedOn.partition), to: &bytes)
        bytes += Self.offsetKey
        JSONWriter.appendInteger(basedOn.offset, to: &bytes)
        bytes += Self.eventTimeKey
        JSONWriter.appendString(RFC3339.format(basedOn.eventTime), to: &bytes)
        bytes += Self.tail
        return bytes
    }

    /// Reads a Recommendation v1 message value.
    public init(decoding bytes: some Collection<UInt8>) throws(StreamRecError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw StreamRecError(.recommendation, "not a Recommendation v1 message: \(error)")
        }
        guard wire.version == Self.version else {
            throw StreamRecError(
                .recommendation,
                "unsupported recommendation version \(wire.version) (this reader knows \(Self.version))")
        }
        guard let generatedAt = RFC3339.milliseconds(wire.generated_at),
            let eventTime = RFC3339.milliseconds(wire.based_on.event_time)
        else {
            throw StreamRecError(.recommendation, "generated_at and based_on.event_time must be RFC 3339 times")
        }
        self.init(
            userID: wire.user_id,
            items: wire.items.map { Item(itemID: $0.item_id, score: $0.score) },
            model: wire.model,
            generatedAt: generatedAt,
            basedOn: Source(partition: wire.based_on.partition, offset: wire.based_on.offset, eventTime: eventTime))
    }

    // The message's field names, for Foundation's decoder; reading is not on a hot path.
    private struct Wire: Decodable {
        struct WireItem: Decodable { var item_id: String; var score: Double }
        struct WireSource: Decodable { var partition: Int32; var offset: Int64; var event_time: String }
        var version: Int
        var user_id: String
        var items: [WireItem]
        var model: String
        var generated_at: String
        var based_on: WireSource
    }
}
