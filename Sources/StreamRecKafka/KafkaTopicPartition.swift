/// A partition of a topic.
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// A position in a partition: the offset of the *next* record to read, as Kafka
/// commits it (so committing after record `n` stores `n + 1`).
public struct KafkaTopicPartitionOffset: Hashable, Sendable, CustomStringConvertible {
    public var topicPartition: KafkaTopicPartition
    public var offset: KafkaOffset

    public init(topic: String, partition: Int32, offset: KafkaOffset) {
        self.topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
        self.offset = offset
    }

    public init(_ topicPartition: KafkaTopicPartition, offset: KafkaOffset) {
        self.topicPartition = topicPartition
        self.offset = offset
    }

    public var description: String { "\(topicPartition)@\(offset)" }
}

/// A Kafka offset, or one of the logical positions librdkafka understands.
public struct KafkaOffset: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public init(integerLiteral value: Int64) { self.rawValue = value }

    /// The oldest retained record.
    public static let beginning = KafkaOffset(-2)
    /// The next record to be written.
    public static let end = KafkaOffset(-1)
    /// The group's committed offset (or `auto.offset.reset` when there is none).
    public static let stored = KafkaOffset(-1000)
    /// No offset: nothing committed yet.
    public static let invalid = KafkaOffset(-1001)

    /// Whether this is a real position (≥ 0) rather than a logical one.
    public var isConcrete: Bool { rawValue >= 0 }

    public var description: String {
        switch self {
        case .beginning: "beginning"
        case .end: "end"
        case .stored: "stored"
        case .invalid: "none"
        default: String(rawValue)
        }
    }
}
