import CRdKafka
import Foundation
import Logging
import Synchronization

/// Produces records to Kafka through librdkafka.
///
/// A background thread serves delivery reports. ``trySend(_:)`` enqueues without
/// blocking (the hot path); ``send(_:)`` waits for room in the local queue;
/// ``sendAndAwaitDelivery(_:)`` returns the broker's acknowledgement. Call
/// ``close(timeout:)`` (or ``closeSync(timeout:)`` on a thread you own) to flush
/// before the producer goes away.
///
/// ```swift
/// let producer = try KafkaProducer(configuration: .init(client: .init(bootstrapServers: "localhost:9092")))
/// try producer.trySend(KafkaProducerMessage(topic: "events", key: "u1", value: "{}"))
/// try await producer.close()
/// ```
public final class KafkaProducer: Sendable {
    @usableFromInline let handle: RdKafkaProducerHandle
    private let tracker: ProducerDeliveryTracker
    private let poller: BackgroundPoller
    private let blocking: BlockingExecutor
    private let closed = Atomic<Bool>(false)
    private let sendCount = Atomic<Int>(0)
    private let logger: Logger

    /// - Parameter onDeliveryReport: called for every record's report, on the
    ///   producer's polling thread. Keep it short; `nil` (default) costs nothing.
    public init(
        configuration: KafkaProducerConfiguration,
        logger: Logger = Logger(label: "streamrec.kafka.producer"),
        onDeliveryReport: (@Sendable (KafkaDeliveryReport) -> Void)? = nil
    ) throws(KafkaError) {
        let tracker = ProducerDeliveryTracker(logger: logger, handler: onDeliveryReport)
        let callbacks = RdKafkaCallbacks(logger: logger, deliveryTracker: tracker)
        let client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER,
            properties: configuration.librdkafkaProperties(),
            callbacks: callbacks
        )
        let handle = RdKafkaProducerHandle(client: client)
        self.handle = handle
        self.tracker = tracker
        self.logger = logger
        self.blocking = BlockingExecutor(label: "streamrec.kafka.producer.blocking")
        // Serves delivery reports while nobody sends. It naps rather than blocking in
        // poll: a blocked poll wakes for every report batch and frees the records on
        // this thread, contending with the sending thread's allocations (measured:
        // about a tenth of produce throughput). Reports wait at most ~2 ms longer.
        self.poller = BackgroundPoller(name: "streamrec-producer-poll") {
            handle.poll(timeoutMilliseconds: 0)
            usleep(2_000)
        }
    }

    deinit {
        poller.stop()
        let pending = handle.outQueueLength
        if !closed.load(ordering: .relaxed), pending > 0 {
            logger.warning("producer released without close(): \(pending) records not flushed")
        }
    }

    /// Enqueues a record without waiting. Throws ``KafkaError/Code/queueFull`` when
    /// the local queue is at `queue.buffering.max.messages`, so that a caller can
    /// pause its own input instead of buffering without bound.
    public func trySend(_ message: KafkaProducerMessage) throws(KafkaError) {
        try checkOpen()
        try handle.produce(message, opaque: 0)
        serveReportsInline()
    }

    /// Enqueues a record from bytes the caller owns (an array, `Data`, a buffer it
    /// reuses), without building a ``KafkaProducerMessage``: the allocation-free
    /// path for high-rate producers. librdkafka copies the bytes before returning.
    @inlinable
    public func trySend(
        topic: String,
        partition: Int32? = nil,
        key: (some ContiguousBytes)?,
        value: (some ContiguousBytes)?,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) throws(KafkaError) {
        try checkOpen()
        let handle = self.handle
        let result: Result<Void, KafkaError> = withOptionalContiguousBytes(key) { keyBytes in
            withOptionalContiguousBytes(value) { valueBytes in
                Result { () throws(KafkaError) in
                    try handle.produce(
                        topic: topic, partition: partition, key: keyBytes, value: valueBytes,
                        headers: headers, timestampMilliseconds: timestampMilliseconds, opaque: 0)
                }
            }
        }
        try result.get()
        serveReportsInline()
    }

    /// ``trySend(_:)`` that waits for room while the local queue is full: each time
    /// it is, `whileFull` runs (a caller pauses its own input there) and the calling
    /// thread sleeps a millisecond while librdkafka delivers. Blocks: call it from a
    /// thread you own, such as a processing loop.
    public func sendSync(
        _ message: KafkaProducerMessage,
        whileFull: () throws(KafkaError) -> Void = {}
    ) throws(KafkaError) {
        try retryingWhileFull(whileFull) { () throws(KafkaError) in try trySend(message) }
    }

    /// ``trySend(topic:partition:key:value:headers:timestampMilliseconds:)`` that
    /// waits for room while the local queue is full, as ``sendSync(_:whileFull:)`` does.
    @inlinable
    public func sendSync(
        topic: String,
        partition: Int32? = nil,
        key: (some ContiguousBytes)?,
        value: (some ContiguousBytes)?,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil,
        whileFull: () throws(KafkaError) -> Void = {}
    ) throws(KafkaError) {
        try retryingWhileFull(whileFull) { () throws(KafkaError) in
            try trySend(
                topic: topic, partition: partition, key: key, value: value, headers: headers,
                timestampMilliseconds: timestampMilliseconds)
        }
    }

    @usableFromInline
    func retryingWhileFull(
        _ whileFull: () throws(KafkaError) -> Void,
        _ send: () throws(KafkaError) -> Void
    ) throws(KafkaError) {
        while true {
            do throws(KafkaError) {
                try send()
                return
            } catch  where error.code == .queueFull {
                try whileFull()
                usleep(1_000)
            }
        }
    }

    /// Enqueues a record, waiting (without blocking a thread) while the local queue is full.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) {
        while true {
            do {
                try trySend(message)
                return
            } catch  where error.code == .queueFull {
                do { try await Task.sleep(for: .milliseconds(1)) } catch {
                    throw KafkaError(.timedOut, "send cancelled while the producer queue was full")
                }
            }
        }
    }

    /// Enqueues a record and returns once the broker has stored it.
    /// Throws ``KafkaError/Code/deliveryFailed`` when it was not.
    @discardableResult
    public func sendAndAwaitDelivery(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        try checkOpen()
        let id = tracker.makeID()
        let report: Result<KafkaDeliveryReport, KafkaError> = await withCheckedContinuation { continuation in
            tracker.register(id, continuation)
            do throws(KafkaError) {
                try handle.produce(message, opaque: id)
            } catch {
                _ = tracker.unregister(id)
                continuation.resume(
                    returning: KafkaDeliveryReport(
                        topicPartition: KafkaTopicPartition(topic: message.topic, partition: message.partition ?? -1),
                        offset: .invalid,
                        error: error
                    ))
            }
        }.asResult()
        return try report.get()
    }

    /// Delivery counts so far.
    public var statistics: KafkaProducerStatistics {
        KafkaProducerStatistics(
            delivered: tracker.deliveredCount, failed: tracker.failedCount, inFlight: handle.outQueueLength)
    }

    /// Blocks until every enqueued record is acknowledged or failed; for a
    /// processing loop on a thread of its own (see ``flush(timeout:)``).
    public func flushSync(timeout: Duration = .seconds(30)) throws(KafkaError) {
        try handle.flush(timeoutMilliseconds: timeout.milliseconds)
    }

    /// Waits until every enqueued record is acknowledged or failed.
    public func flush(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        let handle = self.handle
        let ms = timeout.milliseconds
        try await blocking.run { () throws(KafkaError) in try handle.flush(timeoutMilliseconds: ms) }
    }

    /// Fetches cluster metadata, which also warms the connection so that the first
    /// records do not wait for it. Throws ``KafkaError/Code/brokerUnreachable``
    /// when no broker answers in time.
    public func metadata(timeout: Duration = .seconds(10)) async throws(KafkaError) -> KafkaClusterMetadata {
        let client = handle.client
        let ms = timeout.milliseconds
        return try await blocking.run { () throws(KafkaError) in try client.metadata(timeoutMilliseconds: ms) }
    }

    /// Blocking ``close(timeout:)``, for a processing loop on a thread of its own.
    public func closeSync(timeout: Duration = .seconds(30)) throws(KafkaError) {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        defer { poller.stop() }
        try flushSync(timeout: timeout)
    }

    /// Flushes, then stops the polling thread. Further sends throw ``KafkaError/Code/closed``.
    public func close(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        defer { poller.stop() }
        try await flush(timeout: timeout)
    }

    @usableFromInline
    func checkOpen() throws(KafkaError) {
        if closed.load(ordering: .relaxed) {
            throw KafkaError(.closed, "producer is closed")
        }
    }

    /// Every 1024 sends, serves pending delivery reports on the sending thread.
    /// librdkafka frees each delivered record in the thread that serves its report;
    /// doing that where the records were allocated avoids contending for malloc's
    /// arena with the background poller (measured: about 15% of produce throughput).
    @usableFromInline
    func serveReportsInline() {
        if sendCount.wrappingAdd(1, ordering: .relaxed).oldValue & 1023 == 0 {
            handle.poll(timeoutMilliseconds: 0)
        }
    }
}

@inlinable
func withOptionalContiguousBytes<R>(_ bytes: (some ContiguousBytes)?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

extension KafkaDeliveryReport {
    func asResult() -> Result<KafkaDeliveryReport, KafkaError> {
        if let error { return .failure(error) }
        return .success(self)
    }
}

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int` timeouts take.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}
