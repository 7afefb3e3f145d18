/// A record to produce.
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    /// `nil` lets librdkafka's partitioner choose by key (consistent hashing), which
    /// keeps every record of a key, and so its order, on one partition.
    public var partition: Int32?
    public var key: [UInt8]?
    /// `nil` produces a tombstone (deletes the key on a compacted topic).
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch; `nil` lets librdkafka stamp the send time.
    public var timestampMilliseconds: Int64?

    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// A record with UTF-8 key and value.
    public init(
        topic: String,
        key: String?,
        value: String?,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.init(
            topic: topic,
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) },
            headers: headers,
            timestampMilliseconds: timestampMilliseconds
        )
    }
}

/// The outcome of one produced record, as the broker acknowledged it.
public struct KafkaDeliveryReport: Sendable {
    public var topicPartition: KafkaTopicPartition
    /// The record's offset in its partition, when it was stored.
    public var offset: KafkaOffset
    /// Why the record was not stored, or `nil` when it was.
    public var error: KafkaError?
}

/// Counts of delivery reports since the producer started.
public struct KafkaProducerStatistics: Sendable, Equatable {
    /// Records the broker acknowledged.
    public var delivered: Int
    /// Records that failed permanently (after librdkafka's retries).
    public var failed: Int
    /// Records enqueued but not yet acknowledged or failed.
    public var inFlight: Int
}
