import CRdKafka
import Logging
import Synchronization

/// A consumer-group member that reads records in batches and commits offsets only
/// when told to.
///
/// The synchronous calls (``poll(maxMessages:timeout:)``, ``commitSync(_:)``,
/// ``seek(_:timeout:)``, ``closeSync()``) block up to their timeout: call them from a
/// thread you own, such as a processing loop. From async code use
/// ``nextBatch(maxMessages:timeout:)``, ``commit(_:)`` and ``close()``,
/// which run the same calls off Swift's cooperative pool. Only one caller should
/// poll at a time; rebalance callbacks run inside that poll.
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: .init(client: client, groupID: "streamrec"))
/// try consumer.subscribe(topics: ["streamrec.events"])
/// for message in try await consumer.nextBatch() { … }
/// try await consumer.commit(batch.map(\.nextOffset))
/// ```
public final class KafkaConsumer: Sendable {
    private let handle: RdKafkaConsumerHandle
    private let callbacks: RdKafkaCallbacks
    private let blocking: BlockingExecutor
    private let eventContinuation: AsyncStream<KafkaConsumerEvent>.Continuation
    private let closed = Atomic<Bool>(false)
    private let logger: Logger

    /// Rebalances and non-fatal errors, in order. Buffers the newest 1024 when nobody reads.
    public let events: AsyncStream<KafkaConsumerEvent>

    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "streamrec.kafka.consumer"),
        rebalanceListener: KafkaRebalanceListener = KafkaRebalanceListener()
    ) throws(KafkaError) {
        let (events, continuation) = AsyncStream.makeStream(
            of: KafkaConsumerEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let callbacks = RdKafkaCallbacks(logger: logger)
        callbacks.onRebalance = { rk, err, partitions in
            RdKafkaConsumerHandle.applyRebalance(rk, err, partitions, listener: rebalanceListener) { event in
                logger.debug("rebalance: \(event)")
                continuation.yield(event)
            }
        }
        callbacks.onError = { continuation.yield(.error($0)) }
        let client = try RdKafkaClient(
            type: RD_KAFKA_CONSUMER, properties: configuration.librdkafkaProperties(), callbacks: callbacks)
        self.handle = RdKafkaConsumerHandle(client: client)
        self.callbacks = callbacks
        self.blocking = BlockingExecutor(label: "streamrec.kafka.consumer")
        self.events = events
        self.eventContinuation = continuation
        self.logger = logger
    }

    deinit {
        if !closed.load(ordering: .relaxed) {
            try? handle.close()
        }
        eventContinuation.finish()
    }

    /// Joins the group for `topics`. Partitions arrive later, through a rebalance.
    public func subscribe(topics: [String]) throws(KafkaError) {
        try handle.subscribe(topics)
    }

    /// Blocks up to `timeout` for up to `maxMessages` records. Non-fatal errors are
    /// logged and sent to ``events``; a fatal one throws.
    public func poll(
        maxMessages: Int = 10_000, timeout: Duration = .milliseconds(100)
    ) throws(KafkaError) -> [KafkaConsumerMessage] {
        guard !closed.load(ordering: .relaxed) else { throw KafkaError(.closed, "consumer is closed") }
        let (messages, errors) = try handle.poll(max: maxMessages, timeoutMilliseconds: timeout.milliseconds)
        for error in errors {
            logger.warning("\(error)")
            eventContinuation.yield(.error(error))
        }
        return messages
    }

    /// How many times a partition's position was not on the broker and consumption
    /// restarted at `auto.offset.reset`, skipping what lay between.
    public var offsetResets: Int { callbacks.offsetResets }

    /// ``poll(maxMessages:timeout:)`` run off the cooperative pool.
    public func nextBatch(
        maxMessages: Int = 10_000, timeout: Duration = .milliseconds(100)
    ) async throws(KafkaError) -> [KafkaConsumerMessage] {
        try await blocking.run { () throws(KafkaError) in try self.poll(maxMessages: maxMessages, timeout: timeout) }
    }

    /// Commits the given positions (the next offset to read, see
    /// ``KafkaConsumerMessage/nextOffset``) and waits for the broker to confirm.
    public func commitSync(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try handle.commit(offsets)
    }

    /// ``commitSync(_:)`` run off the cooperative pool.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws(KafkaError) {
        try await blocking.run { () throws(KafkaError) in try self.handle.commit(offsets) }
    }

    /// The group's committed positions for `partitions`; ``KafkaOffset/invalid`` where none.
    public func committed(
        _ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try handle.committed(partitions, timeoutMilliseconds: timeout.milliseconds)
    }

    /// Where each partition's records reach `timestampMilliseconds` (epoch ms): the
    /// earliest offset whose timestamp is at or after it, or the end offset when no
    /// record is that late. For `--reset-to <time>`.
    public func offsets(
        at timestampMilliseconds: Int64, for partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        let queries = partitions.map { KafkaTopicPartitionOffset($0, offset: KafkaOffset(timestampMilliseconds)) }
        return try handle.offsets(forTimes: queries, timeoutMilliseconds: timeout.milliseconds)
    }

    /// Reads exactly these partitions from these offsets, without the group's
    /// assignment (for a consumer that never subscribes: restoring state, tools).
    public func assign(_ positions: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try handle.assign(positions)
    }

    /// The partition's first retained offset and the offset after its last record.
    public func watermarks(
        of partition: KafkaTopicPartition, timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> (low: Int64, high: Int64) {
        try handle.watermarks(partition, timeoutMilliseconds: timeout.milliseconds)
    }

    /// The partition's high watermark as the last fetch saw it, without asking the
    /// broker (for lag gauges); nil before the first fetch.
    public func cachedHighWatermark(of partition: KafkaTopicPartition) -> Int64? {
        handle.cachedHighWatermark(partition)
    }

    /// Moves the fetch position of assigned partitions.
    public func seek(_ positions: [KafkaTopicPartitionOffset], timeout: Duration = .seconds(10)) throws(KafkaError) {
        try handle.seek(positions, timeoutMilliseconds: timeout.milliseconds)
    }

    /// Stops fetching from `partitions` without leaving the group (backpressure).
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try handle.pause(partitions)
    }

    /// Undoes ``pause(_:)``.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try handle.resume(partitions)
    }

    /// The partitions this member owns now.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        try handle.assignment()
    }

    /// Leaves the group, running ``KafkaRebalanceListener/onRevoked`` for what it
    /// owned. Blocks until the group has been left. Idempotent.
    public func closeSync() throws(KafkaError) {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        defer { eventContinuation.finish() }
        try handle.close()
    }

    /// ``closeSync()`` run off the cooperative pool.
    public func close() async throws(KafkaError) {
        try await blocking.run { () throws(KafkaError) in try self.closeSync() }
    }
}
