/// What a valid event is: the known types and their implicit weights, and the
/// limits the decoder enforces. Comes from the `events` section of the config.
public struct EventSchema: Sendable, Equatable {
    /// Event type → implicit interaction weight. The default orders them
    /// view < click < add_to_cart < purchase; `rating` events carry an explicit value.
    public var weights: [String: Double] = [
        "view": 1, "click": 2, "add_to_cart": 4, "purchase": 8, "rating": 1,
    ]
    /// The type whose `value` is a rating on ``ratingRange`` (required for it).
    public var ratingType = "rating"
    /// Longest user, item or event id, in UTF-8 bytes.
    public var maxIDBytes = 256
    /// Largest accepted record value, in bytes.
    public var maxPayloadBytes = 1_048_576
    public var ratingRange: ClosedRange<Double> = 0.5...5
    /// Accepted event times. The lower bound (1990) also catches epoch *seconds*
    /// sent where milliseconds are expected: they land in January 1970.
    public var timestampRange: ClosedRange<Int64> = 631_152_000_000...4_102_444_800_000

    public init() {}

    /// Known types, sorted, for messages.
    public var knownTypes: [String] { weights.keys.sorted() }

    /// Checks what the types of an event's fields cannot: ids, type, time range and
    /// value. The JSON decoder and every log parser of `streamrec replay` use it, so
    /// an event is valid or not whatever road it came by.
    public func validate(_ event: Event) throws(EventDecodingError) {
        try validateID(event.userID, field: "user_id")
        try validateID(event.itemID, field: "item_id")
        if let eventID = event.eventID { try validateID(eventID, field: "event_id") }
        guard weights[event.type] != nil else {
            throw EventDecodingError(
                .unknownEventType, field: "type",
                "unknown event type '\(event.type)'; known: \(knownTypes.joined(separator: ", ")) (events.types)")
        }
        let time = event.timestampMilliseconds
        guard timestampRange.contains(time) else {
            throw EventDecodingError(
                .timestampOutOfRange, field: "timestamp",
                "\(time) (\(RFC3339.format(time))) is outside \(RFC3339.format(timestampRange.lowerBound)) … "
                    + "\(RFC3339.format(timestampRange.upperBound)); epoch seconds instead of milliseconds?")
        }
        if event.type == ratingType {
            guard let rating = event.value else {
                throw EventDecodingError(.missingField, field: "value", "required for '\(event.type)' events")
            }
            guard ratingRange.contains(rating) else {
                throw EventDecodingError(
                    .ratingOutOfRange, field: "value",
                    "rating \(JSONWriter.numberText(rating)) is outside \(JSONWriter.numberText(ratingRange.lowerBound))…\(JSONWriter.numberText(ratingRange.upperBound)) (events.rating_min/max)"
                )
            }
        } else if let weight = event.value, !(weight >= 0 && weight.isFinite) {
            throw EventDecodingError(
                .invalidValue, field: "value", "a weight must be a finite number ≥ 0, got \(weight)")
        }
    }

    /// Checks an id as an event's `user_id` or `item_id` is checked.
    package func validateID(_ id: String, field: String) throws(EventDecodingError) {
        guard !id.isEmpty else { throw EventDecodingError(.emptyID, field: field, "must not be empty") }
        let length = id.utf8.count
        guard length <= maxIDBytes else {
            throw EventDecodingError(
                .idTooLong, field: field, "\(length) bytes exceed the limit of \(maxIDBytes) (events.max_id_bytes)")
        }
    }
}

extension EventSchema {
    /// Replaces the event types with `entries` (type → weight).
    static func setWeights(
        _ configuration: inout StreamRecConfiguration, _ entries: [(String, String)], _ origin: String
    ) throws(StreamRecError) {
        var weights: [String: Double] = [:]
        for (type, text) in entries {
            guard !type.isEmpty, type.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "\"") }) else {
                throw StreamRecError.configuration("\(origin): event type '\(type)' must be a non-empty word")
            }
            guard let weight = Double(text.trimmingCharacters(in: " ")), weight.isFinite, weight >= 0 else {
                throw StreamRecError.configuration(
                    "\(origin): weight of event type '\(type)' must be a number ≥ 0, got '\(text)'")
            }
            weights[type] = weight
        }
        guard !weights.isEmpty else {
            throw StreamRecError.configuration("\(origin): 'events.types' must name at least one event type")
        }
        configuration.events.weights = weights
    }
}
