import StreamRecKafka

extension EngineLoop {
    /// Where newly assigned partitions start: at the checkpointed (or in-memory)
    /// offset when the state holds the partition; else at `--reset-to`; else at the
    /// committed offset, then `auto.offset.reset` (librdkafka's default).
    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: KafkaOffset] {
        let topic = configuration.topics.events
        var starts: [KafkaTopicPartition: KafkaOffset] = [:]
        var unknown: [KafkaTopicPartition] = []
        for partition in partitions where partition.topic == topic {
            assigned.insert(partition.partition)
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
            try checkpoint(reason: "revocation")
        } catch {
            logger.error(
                "checkpoint before revocation failed: \(error); a restart re-applies events since the last one")
        }
        let revoked = Set(partitions.filter { $0.topic == configuration.topics.events }.map(\.partition))
        assigned.subtract(revoked)
        periodic.forget(partitions: revoked)
        logger.info("revoked \(partitions.map(\.description).sorted())")
        publishStatistics()
    }
}
