/// Why a record is not a valid event: a stable reason code (the dead-letter
/// header and the metrics label), the field it concerns, and a sentence for people.
public struct EventDecodingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A stable, machine-readable reason.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public let code: String
        public init(_ code: String) { self.code = code }
        public var description: String { code }

        public static let emptyPayload = Reason("empty_payload")
        public static let payloadTooLarge = Reason("payload_too_large")
        public static let invalidUTF8 = Reason("invalid_utf8")
        public static let malformedJSON = Reason("malformed_json")
        public static let missingField = Reason("missing_field")
        public static let wrongType = Reason("wrong_type")
        public static let emptyID = Reason("empty_id")
        public static let idTooLong = Reason("id_too_long")
        public static let unknownEventType = Reason("unknown_event_type")
        public static let invalidTimestamp = Reason("invalid_timestamp")
        public static let timestampOutOfRange = Reason("timestamp_out_of_range")
        public static let ratingOutOfRange = Reason("rating_out_of_range")
        public static let invalidValue = Reason("invalid_value")

        /// Every reason, for counters and documentation.
        public static let all: [Reason] = [
            .emptyPayload, .payloadTooLarge, .invalidUTF8, .malformedJSON, .missingField, .wrongType, .emptyID,
            .idTooLong, .unknownEventType, .invalidTimestamp, .timestampOutOfRange, .ratingOutOfRange, .invalidValue,
        ]
    }

    public var reason: Reason
    /// The field concerned (dotted for nested ones, e.g. `item.price`), if any.
    public var field: String?
    public var message: String

    public init(_ reason: Reason, field: String? = nil, _ message: String) {
        self.reason = reason
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(reason.code): field '\(field)': \(message)" }
        return "\(reason.code): \(message)"
    }
}
