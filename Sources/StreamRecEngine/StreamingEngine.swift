import Foundation
import Logging
import Metrics
import StreamRecCore
import StreamRecKafka
import Synchronization

/// The product: consumes events, applies them to the feature store and the model
/// in partition-offset order, publishes refreshed recommendations, and checkpoints
/// state together with offsets so that a restart, even after `kill -9`, applies
/// every event exactly once.
///
/// One thread owns the state: ``run()`` (or ``runOnDedicatedThread()``) polls,
/// processes and publishes; librdkafka runs the rebalance callbacks inside that
/// thread's poll. Other threads may only call ``requestStop()`` and read
/// ``statistics``. Within a batch, that thread spreads decoding, the update of
/// the feature store and the model, and the ranking of a round of users over the
/// cores, and waits for them: the state is never changed from two places at once.
public final class StreamingEngine: @unchecked Sendable {
    /// Choices of one run, beyond the configuration.
    public struct Options: Sendable {
        /// Where checkpoints live (`state.directory`).
        public var stateDirectory: String
        /// Discard the checkpoint and rebuild state from the log (from `resetTo`,
        /// earliest unless given).
        public var fresh = false
        /// Where partitions the state knows nothing of start, instead of the
        /// committed offsets. Needs an empty state directory or `fresh`.
        public var resetTo: ResetPosition?

        public init(stateDirectory: String, fresh: Bool = false, resetTo: ResetPosition? = nil) {
            self.stateDirectory = stateDirectory
            self.fresh = fresh
            self.resetTo = resetTo
        }
    }

    let configuration: StreamRecConfiguration
    let logger: Logger
    let checkpoints: CheckpointStore
    let writer: CheckpointWriter
    let producer: KafkaProducer
    let ingestor: EventIngestor
    /// What the run started from, for people: a restored checkpoint, or empty state.
    public let origin: String
    /// Set once in `init`, after the rebalance listener that refers to `self` exists.
    private(set) var consumer: KafkaConsumer!

    private let stopRequested = Atomic<Bool>(false)
    private let published = Mutex(EngineStatistics())
    private let appliedCounter = Counter(label: "streamrec_events_applied_total")
    private let updatesCounter = Counter(label: "streamrec_recommendations_published_total")
    private let checkpointCounter = Counter(label: "streamrec_checkpoints_total")

    // Processing-thread state (see the type's documentation).
    var state: EngineState
    var scheduler: RefreshScheduler
    var periodic: PeriodicRefresher
    var reset: ResetPosition?
    var assigned: Set<Int32> = []
    var recordsSinceCheckpoint = 0
    var lastCheckpointAt: UInt64 = 0
    var stats = EngineStatistics()
    private var paused = false

    public init(
        configuration: StreamRecConfiguration,
        consumer consumerConfiguration: KafkaConsumerConfiguration,
        producer producerConfiguration: KafkaProducerConfiguration,
        options: Options,
        logger: Logger = Logger(label: "streamrec.engine")
    ) throws {
        self.configuration = configuration
        self.logger = logger
        checkpoints = CheckpointStore(directory: options.stateDirectory)
        writer = CheckpointWriter(store: checkpoints)

        if options.fresh {
            state = try EngineState(configuration: configuration)
            reset = options.resetTo ?? .earliest
            origin = "fresh state, partitions from \(reset!) (the checkpoint is replaced at the first checkpoint)"
        } else if let checkpoint = try checkpoints.load() {
            if let resetTo = options.resetTo {
                throw EngineError("""
                    --reset-to \(resetTo) rebuilds state from the log, but \(checkpoints.path) holds state: add --fresh \
                    to discard it, or use an empty --state-dir
                    """)
            }
            state = try EngineState(checkpoint: checkpoint, configuration: configuration)
            origin = "restored \(checkpoints.path): \(checkpoint.eventsApplied) events, offsets \(checkpoint.offsets.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: " "))"
        } else {
            state = try EngineState(configuration: configuration)
            reset = options.resetTo
            origin = "empty state, partitions from " + (reset.map { "\($0)" } ?? "the committed offsets, else consumer.auto_offset_reset")
        }
        logger.info("\(origin)")
        scheduler = RefreshScheduler(windowNanoseconds: UInt64(configuration.engine.refreshWindowMilliseconds) * 1_000_000)
        periodic = PeriodicRefresher(configuration: configuration.engine)

        producer = try KafkaProducer(configuration: Self.outputProducer(producerConfiguration), logger: logger)
        ingestor = EventIngestor(decoder: EventDecoder(schema: configuration.events), deadLetters: producer,
                                 deadLetterTopic: configuration.topics.deadLetter, logger: logger)
        let listener = KafkaRebalanceListener(
            onAssigned: { [unowned self] in self.partitionsAssigned($0) },
            onRevoked: { [unowned self] in self.partitionsRevoked($0) })
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger, rebalanceListener: listener)
    }

    /// The engine's producer (updates and dead letters): room for the largest
    /// record a consumer accepts, and no delivery timeout. A message that times
    /// out is dropped by librdkafka, and the state would then be checkpointed past
    /// an update nobody received; without a timeout, an outage of any length fills
    /// the queue, consumption pauses (backpressure) and resumes when the broker is
    /// back. Properties the user set (`-X message.timeout.ms=…`) still win.
    static func outputProducer(_ configuration: KafkaProducerConfiguration) -> KafkaProducerConfiguration {
        var configuration = configuration
        configuration.client.properties.merge(EventIngestor.deadLetterProducerProperties) { mine, _ in mine }
        configuration.messageTimeoutMilliseconds = 0
        return configuration
    }

    /// Counters so far; safe from any thread.
    public var statistics: EngineStatistics {
        var snapshot = published.withLock { $0 }
        snapshot.rejected = ingestor.rejected
        return snapshot
    }

    /// Asks ``run()`` to finish: it completes the batch in hand, publishes pending
    /// refreshes, checkpoints, commits and closes.
    public func requestStop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    /// Processes until ``requestStop()``, then shuts down cleanly. Blocks the
    /// calling thread; throws on a fatal Kafka or state error.
    public func run() throws {
        try consumer.subscribe(topics: [configuration.topics.events])
        lastCheckpointAt = Self.now()
        logger.info("consuming \(configuration.topics.events) as group member; model \(configuration.model.name)")
        while !stopRequested.load(ordering: .relaxed) {
            let batch = try consumer.poll(maxMessages: configuration.engine.batchSize, timeout: pollTimeout())
            if !batch.isEmpty { try process(batch) }
            try publish(scheduler.due(now: Self.now()))
            try publish(periodic.due(now: Self.now(), eventsApplied: state.eventsApplied), causedByEvent: false)
            try finishCheckpoint(writer.takeFinished())
            if checkpointDue() { try checkpoint(reason: "interval", background: true) }
            publishStatistics()
        }
        try shutDown()
    }

    /// ``run()`` on a thread of its own, for async callers such as a service group.
    public func runOnDedicatedThread() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread { [self] in
                do {
                    try run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "streamrec-engine"
            thread.start()
        }
    }

    /// Decodes, applies and schedules one batch. Records at offsets the state
    /// already holds (redelivered after a rebalance) are skipped, never re-applied.
    func process(_ batch: [KafkaConsumerMessage]) throws {
        let fresh = freshRecords(of: batch)
        let decodeStart = Self.now()
        let ingested = try ingestor.ingest(fresh)
        let applyStart = Self.now()
        state.apply(ingested.events)
        stats.decodeNanoseconds += applyStart - decodeStart
        stats.applyNanoseconds += Self.now() - applyStart
        advanceOffsets(past: fresh)
        state.recordsConsumed += Int64(fresh.count)
        stats.recordsConsumed += fresh.count
        stats.eventsApplied += ingested.events.count
        recordsSinceCheckpoint += fresh.count
        appliedCounter.increment(by: Int64(ingested.events.count))

        // Each touched user once, in order of first touch, with its newest event.
        var touched: [(user: String, source: Recommendation.Source)] = []
        var position: [String: Int] = [:]
        for (event, record) in zip(ingested.events, ingested.positions) {
            let source = Recommendation.Source(partition: record.partition, offset: record.offset,
                                               eventTime: event.timestampMilliseconds)
            if let index = position[event.userID] {
                touched[index].source = source
            } else {
                position[event.userID] = touched.count
                touched.append((event.userID, source))
            }
        }
        try publish(scheduler.schedule(touched, now: Self.now()))
    }

    /// The records of the events topic the state does not hold yet. Usually that is
    /// the whole batch, which then goes on as it is instead of being copied.
    private func freshRecords(of batch: [KafkaConsumerMessage]) -> [KafkaConsumerMessage] {
        let topic = configuration.topics.events
        let offsets = state.offsets
        func isFresh(_ message: KafkaConsumerMessage) -> Bool { message.offset >= offsets[message.partition, default: 0] }
        if batch.allSatisfy({ $0.topic == topic && isFresh($0) }) { return batch }
        var fresh: [KafkaConsumerMessage] = []
        fresh.reserveCapacity(batch.count)
        for message in batch where message.topic == topic {
            if isFresh(message) {
                fresh.append(message)
            } else {
                stats.duplicatesSkipped += 1
            }
        }
        return fresh
    }

    /// Moves each partition's next offset past its last record in `records` (a
    /// partition's records come in offset order), writing once per run of records
    /// of one partition rather than once per record.
    private func advanceOffsets(past records: [KafkaConsumerMessage]) {
        var k = 0
        while k < records.count {
            let partition = records[k].partition
            while k + 1 < records.count, records[k + 1].partition == partition { k += 1 }
            state.offsets[partition] = records[k].offset + 1
            k += 1
        }
    }

    /// Ranks and sends each user's list. When the producer's queue is full the
    /// consumer is paused until there is room: nothing is dropped, and librdkafka
    /// stops prefetching meanwhile.
    func publish(_ refreshes: [(user: String, source: Recommendation.Source)], causedByEvent: Bool = true) throws {
        guard !refreshes.isEmpty else { return }
        let start = Self.now()
        defer { stats.publishNanoseconds += Self.now() - start }
        let topic = configuration.topics.recommendations
        let updates = encodedUpdates(refreshes)
        for (k, (user, source)) in refreshes.enumerated() {
            try send(topic: topic, key: Array(user.utf8), value: updates[k])
            let now = Self.now()
            scheduler.refreshed(user, now: now)
            periodic.noteUpdate(user, source: source, eventsApplied: state.eventsApplied, now: now, causedByEvent: causedByEvent)
        }
        stats.recommendationsPublished += refreshes.count
        if !causedByEvent { stats.periodicRefreshes += refreshes.count }
        updatesCounter.increment(by: Int64(refreshes.count))
        if paused {
            try consumer.resume(consumer.assignment())
            paused = false
        }
    }

    private func send(topic: String, key: [UInt8], value: [UInt8]) throws {
        while true {
            do {
                try producer.trySend(topic: topic, key: key, value: value)
                return
            } catch where error.code == .queueFull {
                try pauseForBackpressure()
                usleep(1_000)
            }
        }
    }

    private func pauseForBackpressure() throws {
        guard !paused else { return }
        try consumer.pause(consumer.assignment())
        paused = true
        stats.backpressurePauses += 1
        logger.debug("producer queue full: consumption paused")
    }

    /// Waits for records no longer than until the next trailing refresh is due.
    private func pollTimeout() -> Duration {
        let ceiling: UInt64 = 100_000_000
        guard let due = scheduler.nextDue else { return .nanoseconds(Int64(ceiling)) }
        let now = Self.now()
        return .nanoseconds(Int64(due > now ? min(due - now, ceiling) : 0))
    }

    private func checkpointDue() -> Bool {
        guard recordsSinceCheckpoint > 0, !writer.isBusy else { return false }
        if recordsSinceCheckpoint >= configuration.engine.checkpointEvents { return true }
        return Self.now() &- lastCheckpointAt >= UInt64(configuration.engine.checkpointIntervalMilliseconds) * 1_000_000
    }

    /// Finish what is in hand: publish every waiting refresh, checkpoint, commit,
    /// leave the group and flush the producer.
    private func shutDown() throws {
        logger.info("stopping: publishing \(scheduler.pendingCount) pending refreshes, then a final checkpoint")
        try publish(scheduler.drain())
        try checkpoint(reason: "shutdown", final: true)
        try consumer.close()
        try producer.close(timeout: .milliseconds(configuration.engine.shutdownTimeoutMilliseconds))
        publishStatistics()
        let final = statistics
        logger.info("""
            stopped after \(final.recordsConsumed) records, \(final.eventsApplied) events applied, \(final.recommendationsPublished) updates; \
            processing time: decode \(final.decodeNanoseconds / 1_000_000) ms, apply \(final.applyNanoseconds / 1_000_000) ms, \
            rank and send \(final.publishNanoseconds / 1_000_000) ms
            """)
    }

    func publishStatistics() {
        stats.assignedPartitions = assigned.sorted()
        let current = stats
        published.withLock { $0 = current }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
