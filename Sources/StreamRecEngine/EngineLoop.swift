import Foundation
import Logging
import StreamRecCore
import StreamRecKafka

/// The processing loop behind ``StreamingEngine``: polls, decodes, applies,
/// publishes and checkpoints, on the one thread that runs ``run()``.
///
/// It owns the state, the refresh schedulers and the Kafka clients; librdkafka
/// runs its rebalance callbacks inside that thread's poll. Within a batch the
/// thread spreads decoding, the update of the feature store and the model, and
/// the ranking of a round of users over the cores, and waits for them: the state
/// is never changed from two places at once. The rebalance logic lives in
/// `EngineLoop+Rebalance.swift`, the checkpoint driver in `EngineLoop+Checkpoint.swift`.
final class EngineLoop {
    let configuration: StreamRecConfiguration
    let logger: Logger
    let control: EngineControl
    /// Held for the loop's life: one engine per state directory.
    private let lock: StateDirectoryLock
    let checkpoints: CheckpointStore
    let writer: CheckpointWriter
    let producer: KafkaProducer
    let ingestor: EventIngestor
    let consumer: KafkaConsumer
    /// Users outside memory.
    let users: UserStore
    /// Per-user state changes for other instances; nil with `engine.changelog` off.
    let changelog: StateChangelog?
    /// Where the changelog is read from when a partition is restored.
    let clientConfiguration: KafkaClientConfiguration
    /// Item state shared with the group's other instances; nil when the
    /// configuration or the model rules it out.
    let itemShare: ItemShare?
    /// Partitions of the events topic, once the cluster said (for `auto` sharing).
    var eventsPartitionCount = 0
    /// Wall-clock time the last batch came out of `poll`, epoch milliseconds.
    var batchTakenAtMilliseconds: Int64 = 0
    /// Events partitions learned from since item factor deltas were last shared, and when that was.
    var factorPartitions: Set<Int32> = []
    var lastFactorsSharedAt: UInt64 = 0
    /// Users restored from the changelog, and the offset (of their partition)
    /// their state reaches: their events below it are not applied again.
    var restoredUpTo: [String: (partition: Int32, upTo: Int64)] = [:]
    /// What the run started from, for people: a restored checkpoint, or empty state.
    let origin: String

    var state: EngineState
    var scheduler: RefreshScheduler
    var periodic: PeriodicRefresher
    /// Where partitions unknown to the state start (`--reset-to`), if not at the committed offsets.
    let reset: ResetPosition?
    var assigned: Set<Int32> = []
    var recordsSinceCheckpoint = 0
    /// State changed without a record (users restored from the changelog, or let
    /// go): the next checkpoint must be written even if no record came.
    var stateChangedSinceCheckpoint = false
    /// Checkpointed positions whose group commit failed, and when it did.
    var failedCommit: (offsets: [Int32: Int64], at: UInt64)?
    /// The offsets of the last checkpoint on disk, per partition.
    var durableOffsets: [Int32: Int64] = [:]
    /// A failure inside a rebalance callback (which cannot throw), thrown by the
    /// loop before it processes anything of the new assignment.
    var rebalanceFailure: EngineError?
    /// Partitions assigned since the item share last looked at the assignment:
    /// it does so in the loop, not in the rebalance callback, because it may
    /// create a topic, which can take the admin timeout (30 s), and a member that
    /// long in its callback is dropped from the group while it goes on processing.
    var assignedSinceSharingUpdate: [Int32]?
    /// When users past the retention were last looked for.
    var lastRetentionSweep: UInt64?
    var lastCheckpointAt: UInt64 = 0
    private var lastTouchedAt: UInt64 = 0
    var stats = EngineStatistics()
    var paused = false
    /// Set while interval checkpoints cannot be written (the state directory is
    /// full or unwritable): consumption is paused until one is.
    var heldForState: HeldForState?
    let metrics = EngineMetrics()
    var quality = LiveQuality()
    /// When the newest event of each user with a refresh to come was taken off
    /// Kafka, for the event-to-publish latency.
    var receivedAt: [String: UInt64] = [:]
    var latencies = LatencyWindow(capacity: 2_000)
    /// When the last batch came out of `poll`.
    private var batchReceivedAt: UInt64 = 0
    /// Whether this thread holds ``EngineControl/gate`` for writing: all the time
    /// but inside `poll`.
    var holdsGate = false
    var lastGaugesAt: UInt64 = 0

    init(
        configuration: StreamRecConfiguration,
        consumer consumerConfiguration: KafkaConsumerConfiguration,
        producer producerConfiguration: KafkaProducerConfiguration,
        options: StreamingEngine.Options,
        control: EngineControl,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.control = control
        lock = try StateDirectoryLock(directory: options.stateDirectory)
        checkpoints = CheckpointStore(directory: options.stateDirectory)
        writer = CheckpointWriter(store: checkpoints)

        var storeGeneration: UInt64 = 0
        if options.fresh {
            let reset = options.resetTo ?? .earliest
            state = try EngineState(configuration: configuration)
            self.reset = reset
            origin = "fresh state, partitions from \(reset) (the checkpoint is replaced at the first checkpoint)"
        } else if let checkpoint = try checkpoints.load() {
            if let resetTo = options.resetTo {
                throw EngineError(
                    """
                    --reset-to \(resetTo) rebuilds state from the log, but \(checkpoints.path) holds state: add --fresh \
                    to discard it, or use an empty --state-dir
                    """)
            }
            state = try EngineState(checkpoint: checkpoint, configuration: configuration)
            storeGeneration = checkpoint.storeGeneration
            durableOffsets = checkpoint.offsets
            reset = nil
            let offsets = checkpoint.offsets.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }
            origin =
                "restored \(checkpoints.path): \(checkpoint.eventsApplied) events, offsets \(offsets.joined(separator: " "))"
        } else {
            state = try EngineState(configuration: configuration)
            reset = options.resetTo
            origin =
                "empty state, partitions from "
                + (options.resetTo.map { "\($0)" } ?? "the committed offsets, else consumer.auto_offset_reset")
        }
        logger.info("\(origin)")
        users = try UserStore(
            directory: options.stateDirectory, checkpointGeneration: storeGeneration, fresh: options.fresh)
        if users.rolledBack > 0 {
            logger.info("user store: \(users.rolledBack) users written after the checkpoint rolled back to it")
        }
        changelog = configuration.engine.changelog ? StateChangelog(topic: configuration.topics.changelog) : nil
        clientConfiguration = producerConfiguration.client
        itemShare = try Self.itemShare(
            configuration: configuration, sharesItemState: state.sharesItemState, client: clientConfiguration,
            stateDirectory: options.stateDirectory, metrics: metrics, logger: logger)
        scheduler = RefreshScheduler(
            windowNanoseconds: UInt64(configuration.engine.refreshWindowMilliseconds) * 1_000_000)
        periodic = PeriodicRefresher(configuration: configuration.engine)

        producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        ingestor = EventIngestor(
            decoder: EventDecoder(schema: configuration.events), deadLetters: producer,
            deadLetterTopic: configuration.topics.deadLetter, logger: logger)
        // The callbacks need the loop, which needs the consumer: they reach it
        // through a relay filled in once the loop exists.
        let relay = RebalanceRelay()
        consumer = try KafkaConsumer(
            configuration: consumerConfiguration, logger: logger,
            rebalanceListener: relay.listener())
        relay.loop = self
    }

    /// Processes until the handle asks to stop, then shuts down cleanly.
    func run() throws {
        control.gate.lockForWriting()
        holdsGate = true
        defer {
            stats.phase = .stopped
            publishStatistics()
            for work in control.takeHandedOff(ending: true) { work(self) }
            holdsGate = false
            control.gate.unlock()
        }
        waitForCrashedPredecessor()
        try ensureChangelogTopic()
        try startSharingIfAlways()
        try consumer.subscribe(topics: [configuration.topics.events])
        lastCheckpointAt = MonotonicClock.nanoseconds()
        logger.info("consuming \(configuration.topics.events) as group member; model \(configuration.model.name)")
        while !control.stopRequested.load(ordering: .relaxed) {
            let batch = try outsideGate { () throws(KafkaError) in
                try consumer.poll(maxMessages: configuration.engine.batchSize, timeout: pollTimeout())
            }
            batchReceivedAt = MonotonicClock.nanoseconds()
            batchTakenAtMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
            if let rebalanceFailure { throw rebalanceFailure }
            if let newlyAssigned = assignedSinceSharingUpdate.take() { updateSharing(newlyAssigned: newlyAssigned) }
            try applySharedItems()
            for work in control.takeHandedOff() { work(self) }
            if !batch.isEmpty { try process(batch) }
            try publish(scheduler.due(now: MonotonicClock.nanoseconds()))
            try publish(
                periodic.due(now: MonotonicClock.nanoseconds(), eventsApplied: state.eventsApplied),
                causedByEvent: false)
            try finishCheckpoint(writer.takeFinished())
            try shareFactorsEveryTwoSeconds()
            if checkpointDue() { try checkpoint(reason: heldForState == nil ? "interval" : "retry", background: true) }
            try keepHeldPartitionsPaused()
            retryFailedCommit()
            updateGaugesEverySecond()
            publishStatistics()
            touchLockEverySecond()
        }
        try shutDown()
    }

    /// An engine killed on this state directory is still a member of the group
    /// until its session times out. Joining at once can make the coordinator
    /// decide the rebalance with the dead member in it and wait another session
    /// for its sync (on the embedded cluster a restart then took 19 s instead of
    /// 6); so the restart first lets two seconds pass after the dead engine's last
    /// sign of life, about when the coordinator can notice it is gone.
    private func waitForCrashedPredecessor() {
        guard let lastAlive = lock.previousHolderLastAlive else { return }
        let wait = lastAlive.addingTimeInterval(2).timeIntervalSinceNow
        guard wait > 0 else { return }
        logger.info(
            "the previous engine on this state directory did not stop cleanly: joining the group in \(Int(wait * 1000)) ms"
        )
        let end = Date().addingTimeInterval(wait)
        while Date() < end, !control.stopRequested.load(ordering: .relaxed) { usleep(20_000) }
    }

    private func touchLockEverySecond() {
        let now = MonotonicClock.nanoseconds()
        guard now &- lastTouchedAt >= 1_000_000_000 else { return }
        lastTouchedAt = now
        lock.touch()
    }

    /// Decodes, applies and schedules one batch. Records at offsets the state
    /// already holds (redelivered after a rebalance) are skipped, never re-applied.
    /// Control records (``ControlRecord``) are acted on in their place among the events.
    func process(_ batch: [KafkaConsumerMessage]) throws {
        let fresh = freshRecords(of: batch)
        guard fresh.contains(where: { ControlRecord.action(of: $0) != nil }) else { return try processEvents(fresh) }
        var start = 0
        for (k, record) in fresh.enumerated() where ControlRecord.action(of: record) != nil {
            if k > start { try processEvents(Array(fresh[start..<k])) }
            try perform(control: record)
            start = k + 1
        }
        if start < fresh.count { try processEvents(Array(fresh[start...])) }
    }

    /// ``process(_:)`` for records that are all events (or not decodable).
    private func processEvents(_ fresh: [KafkaConsumerMessage]) throws {
        let decodeStart = MonotonicClock.nanoseconds()
        let ingested = try skippingRestored(ingestor.ingest(fresh))
        let applyStart = MonotonicClock.nanoseconds()
        try bringIn(ingested)
        measureQuality(before: ingested.events, now: applyStart)
        try apply(ingested, records: fresh)
        stats.decodeNanoseconds += applyStart - decodeStart
        stats.applyNanoseconds += MonotonicClock.nanoseconds() - applyStart
        advanceOffsets(past: fresh)
        state.recordsConsumed += Int64(fresh.count)
        stats.recordsConsumed += fresh.count
        stats.eventsApplied += ingested.events.count
        recordsSinceCheckpoint += fresh.count
        countApplied(ingested.positions)

        // Each touched user once, in order of first touch, with its newest event.
        var touched: [(user: String, source: Recommendation.Source)] = []
        var position: [String: Int] = [:]
        for (event, record) in zip(ingested.events, ingested.positions) {
            let source = Recommendation.Source(
                partition: record.partition, offset: record.offset,
                eventTime: event.timestampMilliseconds)
            if let index = position[event.userID] {
                touched[index].source = source
            } else {
                position[event.userID] = touched.count
                touched.append((event.userID, source))
            }
        }
        for (user, source) in touched {
            state.userPartitions[user] = source.partition
            changelog?.noteApplied(user, partition: source.partition, offset: source.offset)
            receivedAt[user] = batchReceivedAt
        }
        try publish(scheduler.schedule(touched, now: MonotonicClock.nanoseconds()))
        try moveOutUsers()
        metrics.batch.recordNanoseconds(Int64(MonotonicClock.nanoseconds() - decodeStart))
    }

    /// The records of the events topic the state does not hold yet. Usually that is
    /// the whole batch, which then goes on as it is instead of being copied.
    private func freshRecords(of batch: [KafkaConsumerMessage]) -> [KafkaConsumerMessage] {
        let topic = configuration.topics.events
        let offsets = state.offsets
        func isFresh(_ message: KafkaConsumerMessage) -> Bool {
            message.offset >= offsets[message.partition, default: 0]
        }
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
            let first = k
            while k + 1 < records.count, records[k + 1].partition == partition { k += 1 }
            state.offsets[partition] = records[k].offset + 1
            metrics.consumed(k + 1 - first, partition: partition)
            k += 1
        }
    }

    /// Ranks and sends each user's list. When the producer's queue is full the
    /// consumer is paused until there is room: nothing is dropped, and librdkafka
    /// stops prefetching meanwhile.
    func publish(_ refreshes: [(user: String, source: Recommendation.Source)], causedByEvent: Bool = true) throws {
        guard !refreshes.isEmpty else { return }
        // A periodic refresh may be of a user moved out of memory since their event.
        if !causedByEvent {
            for refresh in refreshes { try bringIn(refresh.user, partition: refresh.source.partition) }
        }
        let start = MonotonicClock.nanoseconds()
        defer { stats.publishNanoseconds += MonotonicClock.nanoseconds() - start }
        let topic = configuration.topics.recommendations
        let updates = encodedUpdates(refreshes)
        for (k, (user, source)) in refreshes.enumerated() {
            try producer.sendSync(
                topic: topic, key: Array(user.utf8), value: updates[k].bytes,
                whileFull: pauseForBackpressure)
            let now = MonotonicClock.nanoseconds()
            quality.published(user, items: updates[k].items)
            if let received = receivedAt.removeValue(forKey: user) {
                metrics.eventToPublish.recordNanoseconds(Int64(now &- received))
                latencies.add(milliseconds: Double(now &- received) / 1e6)
            }
            scheduler.refreshed(user, now: now)
            periodic.noteUpdate(
                user, source: source, eventsApplied: state.eventsApplied, now: now,
                causedByEvent: causedByEvent)
        }
        stats.recommendationsPublished += refreshes.count
        if !causedByEvent { stats.periodicRefreshes += refreshes.count }
        metrics.published.increment(by: Int64(refreshes.count))
        try resumeIfPaused()
    }

    /// Resumes consumption paused by ``pauseForBackpressure()`` once the sends that
    /// met a full queue are through.
    func resumeIfPaused() throws(KafkaError) {
        guard paused, heldForState == nil else { return }
        try consumer.resume(consumer.assignment())
        paused = false
    }

    func pauseForBackpressure() throws(KafkaError) {
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
        let now = MonotonicClock.nanoseconds()
        return .nanoseconds(Int64(due > now ? min(due - now, ceiling) : 0))
    }

    private func checkpointDue() -> Bool {
        guard recordsSinceCheckpoint > 0 || stateChangedSinceCheckpoint, !writer.isBusy else { return false }
        if let heldForState {
            return MonotonicClock.nanoseconds() &- heldForState.lastAttempt >= HeldForState.retryNanoseconds
        }
        if recordsSinceCheckpoint >= configuration.engine.checkpointEvents { return true }
        let interval = UInt64(configuration.engine.checkpointIntervalMilliseconds) * 1_000_000
        return MonotonicClock.nanoseconds() &- lastCheckpointAt >= interval
    }

    /// Finish what is in hand: publish every waiting refresh, checkpoint, commit,
    /// leave the group and flush the producer.
    private func shutDown() throws {
        stats.phase = .stopping
        publishStatistics()
        logger.info("stopping: publishing \(scheduler.pendingCount) pending refreshes, then a final checkpoint")
        try publish(scheduler.drain())
        try checkpoint(reason: "shutdown", final: true)
        try consumer.closeSync()
        itemShare?.close()
        try producer.closeSync(timeout: .milliseconds(configuration.engine.shutdownTimeoutMilliseconds))
        publishStatistics()
        let final = stats
        let rejected = ingestor.rejected.values.reduce(0, +)
        logger.info(
            """
            stopped after \(final.recordsConsumed) records, \(final.eventsApplied) events applied \
            (\(rejected) dead-lettered), \(final.recommendationsPublished) updates; users moved to the store \
            \(final.usersMovedOut), brought back \(final.usersBroughtIn), restored \(final.usersRestored); \
            processing time: decode \(final.decodeNanoseconds / 1_000_000) ms, \
            apply \(final.applyNanoseconds / 1_000_000) ms, rank and send \(final.publishNanoseconds / 1_000_000) ms
            """)
        if let itemShare {
            updateSharingFigures()
            let figures = itemShare.figures
            let staleness =
                figures.staleness.percentiles([50, 99]).map { "p50 \($0[0]) ms, p99 \($0[1]) ms" } ?? "none"
            logger.info(
                """
                item state shared: \(figures.eventsPublished) events published in \(figures.recordsPublished) records \
                (\(figures.bytesPublished) bytes), \(figures.eventsApplied) applied from the topic, \
                \(figures.eventsAlreadyHeld) already held; item factor deltas: \(figures.factorDeltasPublished) \
                published (\(figures.factorBytesPublished) bytes), \(figures.factorDeltasApplied) applied; staleness of others' items \(staleness)
                """)
        }
    }

    /// Makes the counters visible to the handle.
    func publishStatistics() {
        stats.assignedPartitions = assigned.sorted()
        stats.offsetResets = consumer.offsetResets
        stats.usersInMemory = state.features.userCount
        let current = stats
        control.published.withLock { $0 = current }
    }
}
