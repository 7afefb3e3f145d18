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
    /// Checkpoint writes that failed, and why the last one did while they still fail.
    package var checkpointFailures = 0
    package var checkpointFailure: String?
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

    /// Where the run is: ready to serve only while `processing`.
    package var phase = EnginePhase.starting
    /// Records behind each owned partition's high watermark (as of the last fetch).
    package var consumerLag: [Int32: Int64] = [:]
    /// About how many users the user store holds (RocksDB's estimate).
    package var usersOnDisk = 0
    /// Of recent events whose user had a published list, the share whose item was
    /// in it (the last 10,000 such events); nil before any.
    package var liveHitRate: Double?
    /// Prequential Recall@10 of the live model on a sample of recent events,
    /// ranked before the event is applied; nil before any.
    package var liveRecall: Double?
    /// From taking an event off Kafka to sending the update it caused, over the
    /// last 2,000 updates, in milliseconds.
    package var eventToPublishP50Milliseconds: Double?
    package var eventToPublishP99Milliseconds: Double?
    /// Wall-clock time of the last durable checkpoint, epoch milliseconds.
    package var lastCheckpointAtMilliseconds: Int64?
    /// Whether item state is shared with other instances now (`engine.share_item_state`).
    package var sharingItemState = false
    /// Events whose item side this instance published, and the bytes of those
    /// records, in this run.
    package var itemEventsShared = 0
    package var itemShareBytes = 0
    /// Events of other instances whose item side was applied here, in this run.
    package var itemEventsApplied = 0
    /// From an event taken off Kafka by its owner to its item side applied here,
    /// over the last 2,000 records of other instances, in milliseconds.
    package var itemStalenessP50Milliseconds: Double?
    package var itemStalenessP99Milliseconds: Double?

    package init() {}
}
