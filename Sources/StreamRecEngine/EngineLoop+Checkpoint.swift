import Foundation
import StreamRecCore
import StreamRecKafka

extension EngineLoop {
    /// Makes everything consumed so far durable, in the order that keeps the
    /// guarantees: first every dead letter and recommendation already sent is
    /// acknowledged (at-least-once output), then state and offsets are written in
    /// one atomic file (exactly-once state), then the group offsets are committed
    /// (for lag monitoring, and where a member without this state starts).
    ///
    /// Interval checkpoints are written in the background (``CheckpointWriter``)
    /// from a copy of the state taken here, and their offsets committed once the
    /// file is durable. A final or revocation checkpoint is written before this
    /// returns, after any background write has finished.
    ///
    /// When the output cannot be acknowledged in time (a broker is down), the
    /// checkpoint is postponed rather than failed: the state in memory is intact and
    /// the next attempt covers it. Only the final checkpoint of a shutdown throws.
    func checkpoint(reason: String, final: Bool = false, background: Bool = false) throws {
        if !background { try finishCheckpoint(writer.waitForCompletion()) }
        try sweepExpiredUsers()
        pruneRestoredUsers()
        guard recordsSinceCheckpoint > 0 || stateChangedSinceCheckpoint, !writer.isBusy else { return }
        let timeout = Duration.milliseconds(final ? configuration.engine.shutdownTimeoutMilliseconds : 5_000)
        // Item factor deltas learned so far go out with the output they belong to.
        try shareFactors()
        // Changed users go to the changelog first: the flush below acknowledges them
        // with the output, before the offsets that include them are committed.
        if let changelog {
            stats.changelogRecords += try changelog.send(
                state: state, users: users, producer: producer, whileFull: pauseForBackpressure)
            try resumeIfPaused()
        }
        if case .failure(let error) = Result(catching: { () throws(KafkaError) in
            try producer.flushSync(timeout: timeout)
        }) {
            if final { throw error }
            logger.warning("checkpoint (\(reason)) postponed: \(error)")
            lastCheckpointAt = MonotonicClock.nanoseconds()
            return
        }
        let writtenAt = Int64(Date().timeIntervalSince1970 * 1000)
        // The users moved out so far are durable in the store before the file that
        // names their generation is.
        let generation = try users.endGeneration()
        recordsSinceCheckpoint = 0
        stateChangedSinceCheckpoint = false
        lastCheckpointAt = MonotonicClock.nanoseconds()
        let job = CheckpointWriter.Job(
            topic: configuration.topics.events, modelName: configuration.model.name, writtenAt: writtenAt,
            storeGeneration: generation, reason: reason, holdsOnFailure: background)
        if background {
            writer.start(state, job)
        } else {
            try finishCheckpoint(CheckpointWriter.write(state, job, to: checkpoints))
        }
    }

    /// Acts on a written checkpoint: commits its offsets, or fails the loop when
    /// the state could not be made durable.
    func finishCheckpoint(_ outcome: CheckpointWriter.Outcome?) throws(EngineError) {
        guard let outcome else { return }
        if let error = outcome.error {
            guard outcome.job.holdsOnFailure else { throw error }
            return try hold(after: error)
        }
        try release()
        try users.checkpointed(outcome.job.storeGeneration)
        durableOffsets.merge(outcome.offsets) { $1 }
        stats.checkpoints += 1
        stats.lastCheckpointAtMilliseconds = outcome.job.writtenAt
        metrics.checkpoint.recordNanoseconds(Int64(outcome.encodeNanoseconds + outcome.writeNanoseconds))
        commitOwnedOffsets(outcome.offsets)
        logger.debug(
            """
            checkpoint (\(outcome.job.reason)): \(outcome.eventsApplied) events, \(outcome.bytes / 1024) KiB, \
            encoded in \(outcome.encodeNanoseconds / 1_000_000) ms, written in \(outcome.writeNanoseconds / 1_000_000) ms
            """)
    }

    /// Commits the checkpointed positions of partitions still owned. A failed
    /// commit is logged, not fatal: the checkpoint, not the group offset, is what a
    /// restart trusts. It is tried again (``retryFailedCommit()``): without it, a
    /// commit refused during a rebalance would leave the group offset behind until
    /// the next record, and with it where another instance would start.
    func commitOwnedOffsets(_ offsets: [Int32: Int64]) {
        failedCommit = nil
        let topic = configuration.topics.events
        let positions = assigned.sorted().compactMap { partition in
            offsets[partition].map {
                KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: KafkaOffset($0))
            }
        }
        guard !positions.isEmpty else { return }
        do {
            try consumer.commitSync(positions)
        } catch {
            logger.warning("commit of \(positions) failed: \(error); the checkpoint holds them, tried again in 1 s")
            failedCommit = (offsets, MonotonicClock.nanoseconds())
        }
    }

    /// Commits the positions of a failed commit again, a second after it failed.
    func retryFailedCommit() {
        guard let (offsets, at) = failedCommit, MonotonicClock.nanoseconds() &- at >= 1_000_000_000 else { return }
        commitOwnedOffsets(offsets)
    }
}

/// Why and since when the loop holds consumption: interval checkpoints fail.
struct HeldForState {
    var since: UInt64
    var lastAttempt: UInt64
    /// How often a held loop tries the checkpoint again.
    static let retryNanoseconds: UInt64 = 2_000_000_000
}

extension EngineLoop {
    /// A checkpoint could not be written (a full or read-only disk, say): the
    /// state in memory is intact, but nothing more is consumed until a checkpoint
    /// is written, so that the state a restart would have to rebuild stays
    /// bounded and the group offsets never pass what is durable. Kept polling,
    /// the loop stays in its group and serves reads; the checkpoint is retried
    /// every two seconds.
    func hold(after error: EngineError) throws(EngineError) {
        let now = MonotonicClock.nanoseconds()
        stats.checkpointFailures += 1
        stats.checkpointFailure = error.message
        // Whatever the failed write held must go into the next one.
        stateChangedSinceCheckpoint = true
        if var held = heldForState {
            held.lastAttempt = now
            heldForState = held
            logger.debug("checkpoint still failing: \(error.message)")
            return
        }
        heldForState = HeldForState(since: now, lastAttempt: now)
        stats.phase = .held
        logger.error(
            """
            checkpoint failed: \(error.message). Consumption is paused until a checkpoint can be written \
            (tried every \(HeldForState.retryNanoseconds / 1_000_000_000) s); free space in or fix the state directory
            """)
        do {
            try keepHeldPartitionsPaused()
        } catch {
            throw EngineError("cannot pause consumption after a failed checkpoint: \(error)")
        }
    }

    /// Ends a hold once a checkpoint was written.
    func release() throws(EngineError) {
        guard let held = heldForState else { return }
        heldForState = nil
        stats.checkpointFailure = nil
        if stats.phase == .held { stats.phase = assigned.isEmpty ? .rebalancing : .processing }
        let seconds = Double(MonotonicClock.nanoseconds() &- held.since) / 1e9
        logger.notice(
            "checkpoint written again after \(String(format: "%.1f", seconds)) s of failures: consuming again")
        // Holding kept every assigned partition paused, so this resumes them all.
        do {
            try resumeIfPaused()
        } catch {
            throw EngineError("cannot resume consumption after the checkpoint: \(error)")
        }
    }

    /// Pauses every assigned partition while held, including any a rebalance
    /// assigned since (librdkafka starts those unpaused).
    func keepHeldPartitionsPaused() throws(KafkaError) {
        guard heldForState != nil else { return }
        try consumer.pause(consumer.assignment())
        paused = true
    }
}
