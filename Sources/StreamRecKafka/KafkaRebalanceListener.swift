/// Hears about partitions moving to and from this consumer, on the thread that
/// polls it, before librdkafka applies the change.
///
/// Because `onRevoked` runs before the partitions are released, it is the place to
/// write a checkpoint and commit; `onAssigned` may return where each new partition
/// should start (for example, offsets stored with a state snapshot).
public struct KafkaRebalanceListener: Sendable {
    /// Called with newly assigned partitions. Return start offsets for any of them;
    /// partitions left out start from the committed offset (or `auto.offset.reset`).
    public var onAssigned: @Sendable ([KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaOffset]
    /// Called with partitions about to be taken away (or lost).
    public var onRevoked: @Sendable ([KafkaTopicPartition]) -> Void

    public init(
        onAssigned: @escaping @Sendable ([KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaOffset] = { _ in [:] },
        onRevoked: @escaping @Sendable ([KafkaTopicPartition]) -> Void = { _ in }
    ) {
        self.onAssigned = onAssigned
        self.onRevoked = onRevoked
    }
}

/// Something that happened to a consumer other than a record arriving.
public enum KafkaConsumerEvent: Sendable {
    case assigned([KafkaTopicPartition])
    case revoked([KafkaTopicPartition])
    /// A non-fatal error: librdkafka keeps retrying.
    case error(KafkaError)
}
