import Foundation
import StreamRecCore
import StreamRecKafka

extension EngineLoop {
    /// Creates the changelog topic when the cluster lacks it, as Kafka Streams does
    /// its internal topics: compacted, with the events topic's partitions (a user's
    /// state goes to the partition of their events).
    func ensureChangelogTopic() throws {
        guard let changelog else { return }
        let admin = try KafkaAdmin(configuration: clientConfiguration, logger: logger)
        let metadata = try admin.metadataSync()
        guard let events = metadata.topic(named: configuration.topics.events) else { return }
        let wanted = KafkaNewTopic(
            name: changelog.topic, partitions: Int32(events.partitions.count),
            replicationFactor: Int32(max(events.replicationFactor, 1)),
            configs: ["cleanup.policy": "compact", "min.compaction.lag.ms": "60000"])
        guard let (_, result) = try admin.ensureTopicsSync([wanted]).first else { return }
        switch result {
        case .success(.alreadyExists(let partitions?)) where partitions != events.partitions.count:
            throw EngineError(
                """
                changelog topic '\(changelog.topic)' has \(partitions) partitions, the events topic \
                \(events.partitions.count): give topics.changelog a new name, or set engine.changelog: false
                """)
        case .success(.created):
            logger.info("created changelog topic \(changelog.topic) (\(events.partitions.count) partitions, compacted)")
        case .success: break
        case .failure(let error):
            throw EngineError(
                """
                changelog topic '\(changelog.topic)' is missing and could not be created (\(error.message)): create \
                it with `streamrec topics apply`, or set engine.changelog: false
                """)
        }
    }

    /// For each newly assigned partition that another instance processed past this
    /// state (its committed offset is beyond the state's, or the state has none of
    /// it), restores the partition's users from the changelog and moves the state's
    /// position in it to the committed offset, where processing then starts. Where
    /// this instance's durable checkpoint is ahead of the committed offset (a commit
    /// refused during the rebalance that just ended), commits the checkpoint's.
    func reconcileAssignedPartitions(_ partitions: [Int32]) {
        guard !partitions.isEmpty else { return }
        let topic = configuration.topics.events
        let committed: [KafkaTopicPartitionOffset]
        do {
            committed = try consumer.committed(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
        } catch {
            logger.warning("cannot read committed offsets of \(partitions.sorted()): \(error)")
            return
        }
        var behind: [Int32: Int64] = [:]
        for position in committed {
            let partition = position.topicPartition.partition
            let offset = position.offset.rawValue
            if let durable = durableOffsets[partition], durable > offset, state.offsets[partition] ?? -1 >= durable {
                behind[partition] = durable
            }
        }
        if !behind.isEmpty { commitOwnedOffsets(behind) }
        guard let changelog else { return }
        for position in committed where position.offset.rawValue >= 0 {
            let partition = position.topicPartition.partition
            let offset = position.offset.rawValue
            if let local = state.offsets[partition], local >= offset { continue }
            do {
                try restore(partition: partition, from: changelog)
                state.offsets[partition] = offset
            } catch {
                // Processing the partition without its users would start them from
                // nothing: the engine stops instead, as Kafka Streams fails the task.
                rebalanceFailure = EngineError(
                    """
                    restoring partition \(partition) from \(changelog.topic) failed: \(error); the partition was not \
                    processed. Repair or delete the changelog topic, or set engine.changelog: false to start its users anew
                    """)
                return
            }
        }
    }

    private func restore(partition: Int32, from changelog: StateChangelog) throws {
        let started = MonotonicClock.nanoseconds()
        logger.info("partition \(partition) was processed elsewhere: restoring its users from \(changelog.topic)")
        let (records, read) = try StateChangelog.read(
            partition: partition, topic: changelog.topic, client: clientConfiguration, logger: logger)
        var restored = 0
        var erased: [(key: UserStore.Key, export: (bytes: [UInt8], lastSeen: Int64)?)] = []
        for (user, record) in records {
            if state.holdsUser(user) { state.removeUser(user) }
            guard let record else {
                erased.append((.init(partition: partition, user: user), nil))
                continue
            }
            do {
                try state.importUser(user, partition: partition, from: record.export)
            } catch {
                throw EngineError(
                    "user '\(user)' in \(changelog.topic)[\(partition)] cannot be restored: \(error.message)")
            }
            restoredUpTo[user] = (partition, record.upTo)
            restored += 1
        }
        try users.write(erased)
        stats.usersRestored += restored
        stateChangedSinceCheckpoint = true
        try moveOutUsers()
        let milliseconds = (MonotonicClock.nanoseconds() - started) / 1_000_000
        logger.info(
            "restored \(restored) users of partition \(partition) (\(read) changelog records) in \(milliseconds) ms")
    }

    /// The batch without events already in a restored user's state.
    func skippingRestored(_ batch: IngestedBatch) -> IngestedBatch {
        guard !restoredUpTo.isEmpty else { return batch }
        var kept = batch
        kept.events = []
        kept.positions = []
        for (event, position) in zip(batch.events, batch.positions) {
            if let restored = restoredUpTo[event.userID], restored.partition == position.partition,
                position.offset < restored.upTo
            {
                stats.duplicatesSkipped += 1
                continue
            }
            kept.events.append(event)
            kept.positions.append(position)
        }
        return kept
    }

    /// Drops restored users whose partition has moved past their `upTo`: nothing
    /// of theirs is left to skip. Once per checkpoint, not per batch: the map can
    /// hold a whole restored partition.
    func pruneRestoredUsers() {
        guard !restoredUpTo.isEmpty else { return }
        restoredUpTo = restoredUpTo.filter { state.offsets[$0.value.partition, default: 0] < $0.value.upTo }
    }
}
