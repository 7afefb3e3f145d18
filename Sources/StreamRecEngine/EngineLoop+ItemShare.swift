import Foundation
import Logging
import StreamRecCore
import StreamRecKafka

extension EngineLoop {
    /// The item share `configuration` asks for: none with `false`, or when the
    /// model's item state cannot be shared (`auto`); `true` with such a model fails.
    static func itemShare(
        configuration: StreamRecConfiguration, sharesItemState: Bool, client: KafkaClientConfiguration,
        stateDirectory: String, metrics: EngineMetrics, logger: Logger
    ) throws -> ItemShare? {
        let mode = ItemShare.Mode(rawValue: configuration.engine.shareItemState) ?? .auto
        guard mode != .never else { return nil }
        guard sharesItemState else {
            if mode == .always {
                throw EngineError(
                    """
                    engine.share_item_state: true needs a model whose item state can be shared (hybrid, cooccurrence, \
                    popularity); model.name is '\(configuration.model.name)'
                    """)
            }
            return nil
        }
        let instance = configuration.consumer.instanceID
        let origin = instance.isEmpty ? try StateDirectoryIdentity.read(in: stateDirectory) : instance
        return ItemShare(
            mode: mode, topic: configuration.topics.items, origin: origin,
            scope: "\(configuration.consumer.groupID)/\(configuration.topics.events)", client: client,
            metrics: metrics, logger: logger)
    }

    /// With `engine.share_item_state: true`, sharing starts before the group is
    /// joined, and the item state catches up with the topic first.
    func startSharingIfAlways() throws {
        guard let itemShare, itemShare.mode == .always else { return }
        try itemShare.activate(positions: state.sharedItems.positions, eventsTopic: configuration.topics.events)
        try itemShare.catchUp(into: &state)
        stateChangedSinceCheckpoint = true
    }

    /// After an assignment: `auto` sharing starts when other instances own some
    /// partitions and stops when this one owns them all; partitions that arrive
    /// while sharing make the item state catch up before they are processed.
    func updateSharing(newlyAssigned: [Int32]) {
        guard let itemShare else { return }
        if eventsPartitionCount == 0, let count = try? eventsTopicPartitionCount() { eventsPartitionCount = count }
        let wanted = itemShare.wanted(owned: assigned.count, of: max(eventsPartitionCount, assigned.count))
        if wanted, !itemShare.active {
            do {
                try itemShare.activate(positions: state.sharedItems.positions, eventsTopic: configuration.topics.events)
            } catch {
                // `auto` shares where it can: without the topic, each instance
                // learns items from its own users, as with `false`.
                logger.warning("item state not shared with the other instances: \(error)")
            }
        } else if !wanted, itemShare.active, itemShare.mode == .auto {
            itemShare.deactivate()
        } else if itemShare.active, !newlyAssigned.isEmpty {
            itemShare.needsCatchUp = true
        }
        stats.sharingItemState = itemShare.active
    }

    private func eventsTopicPartitionCount() throws -> Int {
        let admin = try KafkaAdmin(configuration: clientConfiguration, logger: logger)
        return try admin.metadataSync().topic(named: configuration.topics.events)?.partitions.count ?? 0
    }

    /// Applies what other instances shared since the last batch (all of the topic
    /// when the item state must catch up first).
    func applySharedItems() throws {
        guard let itemShare, itemShare.active else { return }
        let before = itemShare.figures.eventsApplied
        if itemShare.needsCatchUp {
            try itemShare.catchUp(into: &state)
        } else {
            try itemShare.drain(into: &state)
        }
        if itemShare.figures.eventsApplied != before { stateChangedSinceCheckpoint = true }
    }

    /// Learns a batch, sharing its item side when an item share exists: events
    /// whose item side the state holds already update only their users, and the
    /// item side of the others is published while sharing is active.
    func apply(_ ingested: IngestedBatch, records: [KafkaConsumerMessage]) throws {
        guard let itemShare else { return state.apply(ingested.events) }
        var sharing = ItemSideSharing(
            skip: ItemShare.skips(ingested.positions, watermarks: state.sharedItems.watermarks),
            logging: itemShare.active)
        state.apply(ingested.events, sharing: &sharing)
        ItemShare.advance(&state.sharedItems.watermarks, past: records)
        if itemShare.active {
            var last: Int32 = -1
            for position in ingested.positions where position.partition != last {
                factorPartitions.insert(position.partition)
                last = position.partition
            }
        }
        guard let log = sharing.log, log.count > 0 else { return }
        let positions = ingested.positions
        let shared = state.features.sharedItemEvents(log, of: ingested.events) { positions[$0].offset }
        try itemShare.publish(
            shared, partitions: log.eventIndices.map { positions[$0].partition },
            takenAtMilliseconds: batchTakenAtMilliseconds, producer: producer, whileFull: pauseForBackpressure)
        try resumeIfPaused()
    }

    /// Shares how the item factors moved, learned from the partitions' events up to
    /// where the state has them.
    func shareFactors() throws {
        lastFactorsSharedAt = MonotonicClock.nanoseconds()
        guard let itemShare, itemShare.active, !factorPartitions.isEmpty else { return }
        var upTo: [Int32: Int64] = [:]
        for partition in factorPartitions { upTo[partition] = state.offsets[partition] }
        factorPartitions = []
        try itemShare.publishFactors(of: &state, upTo: upTo, producer: producer, whileFull: pauseForBackpressure)
        try resumeIfPaused()
    }

    /// Factor deltas cost more bytes the more often they go (an item's steps add
    /// up in one delta), so they go every two seconds, and at each checkpoint.
    func shareFactorsEveryTwoSeconds() throws {
        guard MonotonicClock.nanoseconds() &- lastFactorsSharedAt >= 2_000_000_000 else { return }
        try shareFactors()
    }

    /// The share's figures into the statistics (once a second, with the gauges).
    func updateSharingFigures() {
        guard let itemShare else { return }
        let figures = itemShare.figures
        stats.sharingItemState = itemShare.active
        stats.itemEventsShared = figures.eventsPublished
        stats.itemShareBytes = figures.bytesPublished
        stats.itemEventsApplied = figures.eventsApplied
        let percentiles = figures.staleness.percentiles([50, 99])
        stats.itemStalenessP50Milliseconds = percentiles?[0]
        stats.itemStalenessP99Milliseconds = percentiles?[1]
        metrics.itemShare(figures)
    }
}
