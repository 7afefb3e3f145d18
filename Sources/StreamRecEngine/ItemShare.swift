import Foundation
import Logging
import StreamRecCore
import StreamRecKafka

/// Item state shared between the instances of one consumer group through
/// `topics.items` (`engine.share_item_state`).
///
/// Events are keyed by user, so each instance learns items only from its own
/// partitions' users. Each instance therefore publishes the item side of the
/// events it learns (``SharedItemRecord``: one per events partition and batch, on
/// the item topic's partition of that events partition, in offset order) and
/// applies every record whose events its item state lacks. The state's
/// ``SharedItemPositions/watermarks`` say which those are: per events partition,
/// the offset below which every event's item side is held, whoever learned it.
/// Records already held (this instance's own, another's sent twice after a crash)
/// are skipped event by event; an event learned here whose item side another
/// instance's share brought first (the partition moved here, or this instance
/// restarted behind what it had shared) updates only its user. The positions
/// travel in the checkpoint with the state, so each event's item side is applied
/// once per instance, across crashes and restarts.
final class ItemShare {
    enum Mode: String {
        case auto
        case always = "true"
        case never = "false"
    }

    let mode: Mode
    let topic: String
    /// This instance, as records name their origin.
    let origin: String
    /// The group and events topic records must belong to (``SharedItemRecord/scope``).
    let scope: String
    /// Whether records of another deployment were met (logged once).
    private var warnedForeign = false
    private let client: KafkaClientConfiguration
    private let logger: Logger
    private var reader: KafkaConsumer?
    /// Whether this instance publishes and applies shared item state now.
    private(set) var active = false
    private var topicPartitions: Int32 = 0
    /// Set when the item topic must be read to its end before the next batch is
    /// learned: when sharing starts, and when partitions arrive from another instance.
    var needsCatchUp = false
    private(set) var figures = ItemShareFigures()
    private let metrics: EngineMetrics

    /// Most events per record: a record stays far below `kafka.max_record_bytes`.
    static let eventsPerRecord = 4_096

    init(
        mode: Mode, topic: String, origin: String, scope: String, client: KafkaClientConfiguration,
        metrics: EngineMetrics, logger: Logger
    ) {
        self.scope = scope
        self.metrics = metrics
        self.mode = mode
        self.topic = topic
        self.origin = origin
        self.client = client
        self.logger = logger
    }

    /// Whether sharing should run with this assignment: `auto` shares while other
    /// instances own some of the partitions.
    func wanted(owned: Int, of total: Int) -> Bool {
        switch mode {
        case .always: true
        case .never: false
        case .auto: owned > 0 && owned < total
        }
    }

    /// Starts reading the item topic from `positions` (from its start where it has
    /// none); the caller then catches up before learning more events. Creates the
    /// topic when the cluster lacks it, with the events topic's partitions and no
    /// retention limit, as the engine does its changelog.
    func activate(positions: [Int32: Int64], eventsTopic: String) throws {
        guard !active else { return }
        topicPartitions = try ensureTopic(eventsTopic: eventsTopic)
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: client, groupID: "streamrec-item-share"), logger: logger)
        try consumer.assign(
            (0..<topicPartitions).map { partition in
                KafkaTopicPartitionOffset(
                    KafkaTopicPartition(topic: topic, partition: partition),
                    offset: positions[partition].map { KafkaOffset($0) } ?? .beginning)
            })
        reader = consumer
        active = true
        needsCatchUp = true
        logger.info("sharing item state through \(topic) (\(topicPartitions) partitions) as \(origin)")
    }

    private func ensureTopic(eventsTopic: String) throws -> Int32 {
        let admin = try KafkaAdmin(configuration: client, logger: logger)
        let metadata = try admin.metadataSync()
        if let existing = metadata.topic(named: topic), !existing.partitions.isEmpty {
            return Int32(existing.partitions.count)
        }
        let events = metadata.topic(named: eventsTopic)
        let partitions = Int32(max(events?.partitions.count ?? 6, 1))
        let wanted = KafkaNewTopic(
            name: topic, partitions: partitions, replicationFactor: Int32(max(events?.replicationFactor ?? 1, 1)),
            configs: ["cleanup.policy": "delete", "retention.ms": "-1"])
        if case .failure(let error)? = try admin.ensureTopicsSync([wanted]).first?.1 {
            throw EngineError(
                """
                engine.share_item_state needs the topic '\(topic)' (topics.items), which is missing and could not be \
                created (\(error.message)): create it with `streamrec topics apply`, or set engine.share_item_state: false
                """)
        }
        logger.info("created item topic \(topic) (\(partitions) partitions, kept forever)")
        return partitions
    }

    /// Stops publishing and reading; the positions stay in the state.
    func deactivate() {
        guard active else { return }
        try? reader?.closeSync()
        reader = nil
        active = false
        needsCatchUp = false
        logger.info("item state no longer shared: this instance owns every partition")
    }

    /// Per event, whether its item side is held already (below its partition's
    /// watermark); empty when none is, the usual case. A partition's events come
    /// in offset order, so each run of one partition is judged by its first event.
    static func skips(_ positions: [IngestedBatch.Position], watermarks: [Int32: Int64]) -> [Bool] {
        guard !watermarks.isEmpty else { return [] }
        var skip: [Bool] = []
        var k = 0
        while k < positions.count {
            let partition = positions[k].partition
            var end = k
            while end + 1 < positions.count, positions[end + 1].partition == partition { end += 1 }
            if let held = watermarks[partition], positions[k].offset < held {
                if skip.isEmpty { skip = Array(repeating: false, count: positions.count) }
                for j in k...end { skip[j] = positions[j].offset < held }
            }
            k = end + 1
        }
        return skip
    }

    /// Moves the watermarks past `records`, learned here (dead letters have no
    /// item side): once per run of one partition's records, which come in offset order.
    static func advance(_ watermarks: inout [Int32: Int64], past records: [KafkaConsumerMessage]) {
        var k = 0
        while k < records.count {
            let partition = records[k].partition
            while k + 1 < records.count, records[k + 1].partition == partition { k += 1 }
            if records[k].offset + 1 > watermarks[partition, default: 0] {
                watermarks[partition] = records[k].offset + 1
            }
            k += 1
        }
    }

    /// Sends the item side of a learned batch, one record per events partition
    /// (more for a long run), to that partition's place in the item topic.
    func publish(
        _ events: [SharedItemEvent], partitions: [Int32], takenAtMilliseconds: Int64, producer: KafkaProducer,
        whileFull: () throws(KafkaError) -> Void
    ) throws(KafkaError) {
        guard active, !events.isEmpty else { return }
        var byPartition: [Int32: [SharedItemEvent]] = [:]
        for (event, partition) in zip(events, partitions) { byPartition[partition, default: []].append(event) }
        for (partition, events) in byPartition.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: events.count, by: Self.eventsPerRecord) {
                let record = SharedItemRecord(
                    partition: partition, origin: origin, scope: scope, takenAtMilliseconds: takenAtMilliseconds,
                    events: Array(events[start..<min(start + Self.eventsPerRecord, events.count)]))
                let value = record.encoded()
                try producer.sendSync(
                    topic: topic, partition: partition % topicPartitions, key: Array("\(partition)".utf8),
                    value: value, whileFull: whileFull)
                figures.recordsPublished += 1
                figures.bytesPublished += value.count
            }
            figures.eventsPublished += events.count
        }
    }

    /// Sends how the item factors moved since the last call, learned from events up
    /// to `upTo` (the next offset of each events partition they cover), to the
    /// item topic's partition of the first of them.
    func publishFactors(
        of state: inout EngineState, upTo: [Int32: Int64], producer: KafkaProducer,
        whileFull: () throws(KafkaError) -> Void
    ) throws(KafkaError) {
        guard active else { return }
        let deltas = state.takeFactorDeltas()
        guard !deltas.isEmpty, let first = upTo.keys.min() else { return }
        let record = SharedFactorRecord(
            origin: origin, scope: scope, upTo: upTo, takenAtMilliseconds: Int64(Date().timeIntervalSince1970 * 1000),
            deltas: deltas)
        let value = record.encoded()
        try producer.sendSync(
            topic: topic, partition: first % topicPartitions, key: Array("factors".utf8), value: value,
            whileFull: whileFull)
        for (partition, end) in upTo where end > state.sharedItems.factorWatermarks[partition, default: 0] {
            state.sharedItems.factorWatermarks[partition] = end
        }
        figures.recordsPublished += 1
        figures.bytesPublished += value.count
        figures.factorDeltasPublished += deltas.count
        figures.factorBytesPublished += value.count
    }

    /// Applies what the item topic holds beyond the state's positions, without waiting.
    func drain(into state: inout EngineState) throws {
        guard active, let reader else { return }
        while case let batch = try reader.poll(maxMessages: 1_000, timeout: .zero), !batch.isEmpty {
            try apply(batch, to: &state)
        }
    }

    /// Reads the item topic to its end as of now, so that the item state holds
    /// everything shared before this instance learns more (a new instance, one
    /// given partitions, one that lost its state).
    func catchUp(into state: inout EngineState, stallTimeout: Duration = .seconds(30)) throws {
        guard active, let reader else { return }
        needsCatchUp = false
        let started = MonotonicClock.nanoseconds()
        var ends: [Int32: Int64] = [:]
        for partition in 0..<topicPartitions {
            let (_, high) = try reader.watermarks(of: KafkaTopicPartition(topic: topic, partition: partition))
            if high > state.sharedItems.positions[partition, default: 0] { ends[partition] = high }
        }
        let before = figures.eventsApplied
        var lastProgress = ContinuousClock.now
        while ends.contains(where: { state.sharedItems.positions[$0.key, default: 0] < $0.value }) {
            let batch = try reader.poll(maxMessages: 1_000, timeout: .milliseconds(100))
            if batch.isEmpty {
                guard ContinuousClock.now - lastProgress < stallTimeout else {
                    throw EngineError("reading \(topic): no record for \(stallTimeout) before its end")
                }
                continue
            }
            lastProgress = ContinuousClock.now
            try apply(batch, to: &state)
        }
        let milliseconds = (MonotonicClock.nanoseconds() - started) / 1_000_000
        logger.info(
            "item state caught up with \(topic): \(figures.eventsApplied - before) shared events applied in \(milliseconds) ms"
        )
    }

    private func apply(_ batch: [KafkaConsumerMessage], to state: inout EngineState) throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for message in batch {
            state.sharedItems.positions[message.partition] = message.offset + 1
            guard let value = message.value else { continue }
            if SharedFactorRecord.isFactorRecord(value) {
                try applyFactors(Array(value), at: message, to: &state)
                continue
            }
            let record: SharedItemRecord
            do {
                record = try SharedItemRecord(decoding: Array(value))
            } catch {
                throw EngineError(
                    """
                    \(topic)[\(message.partition)]@\(message.offset) cannot be read (\(error.message)): the item \
                    state would miss its events. Repair the topic, or set engine.share_item_state: false
                    """)
            }
            guard inScope(record.scope, at: message) else { continue }
            let held = state.sharedItems.watermarks[record.partition, default: 0]
            guard record.end > held else {
                figures.eventsAlreadyHeld += record.events.count
                continue
            }
            let fresh = record.events.first!.offset >= held ? record.events : record.events.filter { $0.offset >= held }
            figures.eventsAlreadyHeld += record.events.count - fresh.count
            state.applyShared(fresh)
            state.sharedItems.watermarks[record.partition] = record.end
            figures.eventsApplied += fresh.count
            if record.origin != origin {
                let milliseconds = max(0, now - record.takenAtMilliseconds)
                figures.staleness.add(milliseconds: Double(milliseconds))
                metrics.itemShareStaleness.recordMilliseconds(milliseconds)
            }
        }
    }

    /// Adds another instance's factor deltas unless every partition they cover was
    /// covered as far before (the record was sent again after a crash). This
    /// instance's own are in its state already, or will be once it re-learns them.
    private func applyFactors(_ bytes: [UInt8], at message: KafkaConsumerMessage, to state: inout EngineState) throws {
        let record: SharedFactorRecord
        do {
            record = try SharedFactorRecord(decoding: bytes)
        } catch {
            throw EngineError(
                """
                \(topic)[\(message.partition)]@\(message.offset) cannot be read (\(error.message)): repair the \
                topic, or set engine.share_item_state: false
                """)
        }
        guard inScope(record.scope, at: message), record.origin != origin else { return }
        let reached = state.sharedItems.factorWatermarks
        guard record.upTo.contains(where: { $0.value > reached[$0.key, default: 0] }) else { return }
        state.applyFactorDeltas(record.deltas)
        for (partition, end) in record.upTo where end > reached[partition, default: 0] {
            state.sharedItems.factorWatermarks[partition] = end
        }
        figures.factorDeltasApplied += record.deltas.count
    }

    /// Whether a record belongs to this deployment; another's is skipped, with a
    /// warning the first time.
    private func inScope(_ recordScope: String, at message: KafkaConsumerMessage) -> Bool {
        guard recordScope != scope else { return true }
        if !warnedForeign {
            warnedForeign = true
            logger.warning(
                """
                \(topic)[\(message.partition)]@\(message.offset) belongs to '\(recordScope)', not '\(scope)': records \
                of another group or events topic are skipped; give each deployment its own topics.items
                """)
        }
        return false
    }

    func close() {
        try? reader?.closeSync()
        reader = nil
    }
}

/// What sharing item state has done in this run, for statistics and metrics.
struct ItemShareFigures {
    var eventsPublished = 0
    var recordsPublished = 0
    var bytesPublished = 0
    /// Events of other instances (or of this one before a restart) applied from the topic.
    var eventsApplied = 0
    /// Events read whose item side the state held already.
    var eventsAlreadyHeld = 0
    /// Item factor deltas sent, and applied from other instances.
    var factorDeltasPublished = 0
    /// Of ``bytesPublished``, those of factor records.
    var factorBytesPublished = 0
    var factorDeltasApplied = 0
    /// From an event being taken off Kafka by its owner to its item side being
    /// applied here, in milliseconds.
    var staleness = LatencyWindow(capacity: 2_000)
}
