/// A record read from Kafka. Its bytes are copied out of librdkafka's buffers, so
/// it stays valid after the next poll.
///
/// `key` and `value` are slices of one buffer shared by the whole polled batch
/// (one allocation per batch rather than two per record): index them from
/// `startIndex`, and copy with `Array(_:)` what must outlive the batch, since any
/// slice kept alive keeps the batch's buffer alive.
public struct KafkaConsumerMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: ArraySlice<UInt8>?
    /// `nil` for a tombstone.
    public var value: ArraySlice<UInt8>?
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch, when the record carries a timestamp.
    public var timestampMilliseconds: Int64?

    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: ArraySlice<UInt8>?,
        value: ArraySlice<UInt8>?,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// The position to commit once this record is processed: its offset plus one.
    public var nextOffset: KafkaTopicPartitionOffset {
        KafkaTopicPartitionOffset(topicPartition, offset: KafkaOffset(offset + 1))
    }

    /// The key as UTF-8 text, if present and valid.
    public var keyString: String? { key.flatMap { String(validating: $0, as: UTF8.self) } }
    /// The value as UTF-8 text, if present and valid.
    public var valueString: String? { value.flatMap { String(validating: $0, as: UTF8.self) } }
}
