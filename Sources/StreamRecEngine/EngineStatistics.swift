/// Counters of a running engine, read from any thread.
package struct EngineStatistics: Sendable, Equatable {
    /// Records taken from the events topic in this run, valid or not.
    package var recordsConsumed = 0
    /// Valid events applied to the state in this run.
    package var eventsApplied = 0
    /// Records sent to the dead-letter topic in this run, by reason code.
    package var rejected: [String: Int] = [:]
    /// Recommendation updates published in this run.
    package var recommendationsPublished = 0
    /// Of those, the periodic refreshes of drifted lists (`engine.periodic_refresh_ms`).
    package var periodicRefreshes = 0
    /// Checkpoints written in this run.
    package var checkpoints = 0
    /// Times consumption paused because the producer queue was full.
    package var backpressurePauses = 0
    /// Partitions of the events topic this instance owns now.
    package var assignedPartitions: [Int32] = []
    /// Records already applied before and delivered again (after a rebalance or a
    /// seek), skipped so that nothing is applied twice.
    package var duplicatesSkipped = 0
    /// Times a partition's next offset was gone from the broker (retention) and
    /// consumption restarted at `consumer.auto_offset_reset`: records were skipped.
    package var offsetResets = 0
    /// Users moved from memory to the user store, and brought back, in this run.
    package var usersMovedOut = 0
    package var usersBroughtIn = 0
    /// Users memory holds now.
    package var usersInMemory = 0
    /// User states sent to the changelog, and restored from it, in this run.
    package var changelogRecords = 0
    package var usersRestored = 0
    /// Users erased by `streamrec forget` in this run.
    package var usersForgotten = 0
    /// Users erased for being idle past `state.user_retention_days`, in this run.
    package var usersExpired = 0
    /// Processing-thread time in this run, in nanoseconds: decoding records,
    /// applying events to the state, and ranking, encoding and sending updates.
    /// Where an instance's time goes, without a profiler.
    package var decodeNanoseconds: UInt64 = 0
    package var applyNanoseconds: UInt64 = 0
    package var publishNanoseconds: UInt64 = 0

    package init() {}
}
