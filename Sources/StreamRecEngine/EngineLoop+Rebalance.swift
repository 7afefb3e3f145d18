import StreamRecKafka

extension EngineLoop {
    /// Where newly assigned partitions start: at the checkpointed (or in-memory)
    /// offset when the state holds the partition (after restoring it from the
    /// changelog when another instance processed it further); else at `--reset-to`;
    /// else at the committed offset, then `auto.offset.reset` (librdkafka's default).
    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaOffset] {
        let topic = configuration.topics.events
        var starts: [KafkaTopicPartition: KafkaOffset] = [:]
        var unknown: [KafkaTopicPartition] = []
        let newlyAssigned = partitions.filter { $0.topic == topic && !assigned.contains($0.partition) }
        stats.phase = .rebalancing
        publishStatistics()
        defer {
            stats.phase = assigned.isEmpty ? .rebalancing : heldForState == nil ? .processing : .held
            publishStatistics()
        }
        for partition in partitions where partition.topic == topic { assigned.insert(partition.partition) }
        letGoOfLostPartitions()
        reconcileAssignedPartitions(newlyAssigned.map(\.partition))
        assignedSinceSharingUpdate = (assignedSinceSharingUpdate ?? []) + newlyAssigned.map(\.partition)
        for partition in partitions where partition.topic == topic {
            if let next = state.offsets[partition.partition] {
                starts[partition] = KafkaOffset(next)
            } else {
                unknown.append(partition)
            }
        }
        switch reset {
        case .earliest?: for partition in unknown { starts[partition] = .beginning }
        case .latest?: for partition in unknown { starts[partition] = .end }
        case .time(let milliseconds)?:
            do {
                for position in try consumer.offsets(at: milliseconds, for: unknown) {
                    starts[position.topicPartition] = position.offset
                }
            } catch {
                logger.error(
                    "cannot look up offsets for --reset-to \(ResetPosition.time(milliseconds)): \(error); those partitions start at the committed offset"
                )
            }
        case nil: break
        }
        logger.info(
            "assigned \(partitions.map(\.description).sorted()); starting at \(starts.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" })"
        )
        publishStatistics()
        return starts
    }

    /// Checkpoints before the partitions go, so that whoever gets them next (this
    /// instance later, or another member starting from the committed offsets)
    /// resumes exactly where this state ends.
    func partitionsRevoked(_ partitions: [KafkaTopicPartition]) {
        do {
            // The lists of the last events go out before another instance may own their users.
            try publish(scheduler.drain())
            try checkpoint(reason: "revocation")
        } catch {
            logger.error(
                "checkpoint before revocation failed: \(error); a restart re-applies events since the last one")
        }
        let revoked = Set(partitions.filter { $0.topic == configuration.topics.events }.map(\.partition))
        assigned.subtract(revoked)
        if assigned.isEmpty { stats.phase = .rebalancing }
        periodic.forget(partitions: revoked)
        logger.info("revoked \(partitions.map(\.description).sorted())")
        publishStatistics()
    }

    /// Lets go of the users of partitions the state holds but this instance no
    /// longer owns: whoever owns them now restores them from the changelog, and
    /// each user lives on one instance. Runs after the revocation checkpoint, so
    /// nothing of theirs is lost here.
    func letGoOfLostPartitions() {
        let held = Set(state.offsets.keys).union(state.userPartitions.values)
        let lost = held.subtracting(assigned)
        guard !lost.isEmpty else { return }
        let leaving = state.userPartitions.filter { lost.contains($0.value) }.map(\.key)
        for user in leaving {
            state.removeUser(user)
            scheduler.cancel(user)
            quality.forget(user)
            receivedAt[user] = nil
        }
        do {
            for partition in lost { try users.dropPartition(partition) }
        } catch {
            logger.error("cannot drop the users of partitions \(lost.sorted()) from \(users.path): \(error)")
        }
        for partition in lost {
            state.offsets[partition] = nil
            durableOffsets[partition] = nil
        }
        stateChangedSinceCheckpoint = true
        restoredUpTo = restoredUpTo.filter { !lost.contains($0.value.partition) }
        logger.info("let go of \(leaving.count) users in memory of partitions \(lost.sorted()), now owned elsewhere")
    }
}
