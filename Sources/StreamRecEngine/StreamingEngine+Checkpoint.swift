import Foundation
import StreamRecKafka

extension StreamingEngine {
    /// Makes everything consumed so far durable, in the order that keeps the
    /// guarantees: first every dead letter and recommendation already sent is
    /// acknowledged (at-least-once output), then state and offsets are written in
    /// one atomic file (exactly-once state), then the group offsets are committed
    /// (for lag monitoring, and where a member without this state starts).
    ///
    /// When the output cannot be acknowledged in time (a broker is down), the
    /// checkpoint is postponed rather than failed: the state in memory is intact and
    /// the next attempt covers it. Only the final checkpoint of a shutdown throws.
    func checkpoint(reason: String, final: Bool = false) throws {
        guard recordsSinceCheckpoint > 0 else { return }
        let started = Self.now()
        let timeout = Duration.milliseconds(final ? configuration.engine.shutdownTimeoutMilliseconds : 5_000)
        if case .failure(let error) = Result(catching: { () throws(KafkaError) in try producer.flush(timeout: timeout) }) {
            if final { throw error }
            logger.warning("checkpoint (\(reason)) postponed: \(error)")
            lastCheckpointAt = Self.now()
            return
        }
        let checkpoint = state.checkpoint(topic: configuration.topics.events, modelName: configuration.model.name,
                                          writtenAt: Int64(Date().timeIntervalSince1970 * 1000))
        try checkpoints.write(checkpoint)
        recordsSinceCheckpoint = 0
        lastCheckpointAt = Self.now()
        stats.checkpoints += 1
        commitOwnedOffsets()
        logger.debug("checkpoint (\(reason)): \(checkpoint.eventsApplied) events, offsets \(checkpoint.offsets.sorted { $0.key < $1.key }), \((lastCheckpointAt - started) / 1_000_000) ms")
    }

    /// Commits the positions of owned partitions. A failed commit is logged, not
    /// fatal: the checkpoint, not the group offset, is what a restart trusts.
    private func commitOwnedOffsets() {
        let topic = configuration.topics.events
        let positions = assigned.sorted().compactMap { partition in
            state.offsets[partition].map { KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: KafkaOffset($0)) }
        }
        guard !positions.isEmpty else { return }
        do {
            try consumer.commit(positions)
        } catch {
            logger.warning("commit of \(positions) failed: \(error); the checkpoint holds them")
        }
    }
}
