/// The one error type of the Kafka layer.
///
/// `code` is an extensible set of static values rather than a closed enum, so that
/// later codes do not break callers that switch over the known ones. When the error
/// comes from librdkafka, `rdKafkaCode` and `rdKafkaName` carry librdkafka's own
/// error number and symbolic name (for example `-195` / `_TRANSPORT`).
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A configuration property is unknown to librdkafka or has an invalid value.
        public static let invalidProperty = Code("invalidProperty")
        /// The configuration is inconsistent (e.g. no bootstrap servers).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// No broker answered within the allowed time.
        public static let brokerUnreachable = Code("brokerUnreachable")
        /// An operation did not finish within its timeout.
        public static let timedOut = Code("timedOut")
        /// The producer's local queue is full; retry after deliveries drain it.
        public static let queueFull = Code("queueFull")
        /// A record larger than the producer's `message.max.bytes`, refused before sending.
        public static let recordTooLarge = Code("recordTooLarge")
        /// The broker rejected or failed to store a produced message.
        public static let deliveryFailed = Code("deliveryFailed")
        /// The client was used after `close()`.
        public static let closed = Code("closed")
        /// A topic could not be created or described.
        public static let topicOperationFailed = Code("topicOperationFailed")
        /// A consumer-group operation (subscribe, commit, seek, pause) failed.
        public static let consumerOperationFailed = Code("consumerOperationFailed")
        /// librdkafka raised a fatal error; the client must be recreated.
        public static let fatal = Code("fatal")
        /// The embedded cluster could not be started or driven.
        public static let embeddedCluster = Code("embeddedCluster")
        /// Any other librdkafka error.
        public static let underlying = Code("underlying")
    }

    public let code: Code
    public let message: String
    /// librdkafka's `rd_kafka_resp_err_t` value, when librdkafka reported the error.
    public let rdKafkaCode: Int32?
    /// librdkafka's symbolic name of `rdKafkaCode` (e.g. `UNKNOWN_TOPIC_OR_PART`).
    public let rdKafkaName: String?
    public let file: String
    public let line: UInt

    public init(
        _ code: Code,
        _ message: String,
        rdKafkaCode: Int32? = nil,
        rdKafkaName: String? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.rdKafkaCode = rdKafkaCode
        self.rdKafkaName = rdKafkaName
        self.file = file
        self.line = line
    }

    public var description: String {
        if let rdKafkaName { return "\(message) [\(rdKafkaName)]" }
        return message
    }
}
