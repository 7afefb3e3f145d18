import Metrics

/// The engine's instruments, through swift-metrics: whichever backend the process
/// bootstrapped (the CLI: Prometheus, served at `/metrics`) receives them; without
/// one they cost next to nothing. Names follow Prometheus conventions: base units,
/// `_total` for counters, `_seconds` for durations.
package final class EngineMetrics {
    /// Names of the histograms, for backends that need buckets per name.
    package static let batchSeconds = "streamrec_batch_processing_seconds"
    package static let eventToPublishSeconds = "streamrec_event_to_publish_seconds"
    package static let checkpointSeconds = "streamrec_checkpoint_seconds"
    package static let itemShareStalenessSeconds = "streamrec_item_share_staleness_seconds"

    private var consumed: [Int32: Counter] = [:]
    private var applied: [Int32: Counter] = [:]
    private var lag: [Int32: Gauge] = [:]
    let published = Counter(label: "streamrec_recommendations_published_total")
    let batch = Timer(label: batchSeconds)
    let eventToPublish = Timer(label: eventToPublishSeconds)
    let checkpoint = Timer(label: checkpointSeconds)
    let checkpointAge = Gauge(label: "streamrec_checkpoint_age_seconds")
    let usersInMemory = Gauge(label: "streamrec_users_in_memory")
    let usersOnDisk = Gauge(label: "streamrec_users_on_disk")
    let liveHits = Counter(label: "streamrec_live_hits_total")
    let liveChecked = Counter(label: "streamrec_live_events_checked_total")
    let liveHitRate = Gauge(label: "streamrec_live_hit_rate")
    let liveRecall = Gauge(label: "streamrec_live_recall_at_10")
    let itemShareStaleness = Timer(label: itemShareStalenessSeconds)
    let itemEventsShared = Counter(label: "streamrec_item_share_events_published_total")
    let itemShareBytes = Counter(label: "streamrec_item_share_bytes_published_total")
    let itemEventsApplied = Counter(label: "streamrec_item_share_events_applied_total")
    /// The share's totals last reported, for the counters' increments.
    private var reportedShare = (events: 0, bytes: 0, applied: 0)

    func itemShare(_ figures: ItemShareFigures) {
        itemEventsShared.increment(by: Int64(figures.eventsPublished - reportedShare.events))
        itemShareBytes.increment(by: Int64(figures.bytesPublished - reportedShare.bytes))
        itemEventsApplied.increment(by: Int64(figures.eventsApplied - reportedShare.applied))
        reportedShare = (figures.eventsPublished, figures.bytesPublished, figures.eventsApplied)
    }

    func consumed(_ count: Int, partition: Int32) {
        counter(&consumed, "streamrec_events_consumed_total", partition).increment(by: Int64(count))
    }

    func applied(_ count: Int, partition: Int32) {
        counter(&applied, "streamrec_events_applied_total", partition).increment(by: Int64(count))
    }

    func lag(_ records: Int64, partition: Int32) {
        if lag[partition] == nil {
            lag[partition] = Gauge(label: "streamrec_consumer_lag_records", dimensions: [("partition", "\(partition)")])
        }
        lag[partition]!.record(records)
    }

    /// Drops a partition's lag gauge when the partition goes elsewhere.
    func forgetLag(partition: Int32) {
        lag.removeValue(forKey: partition)?.destroy()
    }

    private func counter(_ cache: inout [Int32: Counter], _ label: String, _ partition: Int32) -> Counter {
        if let counter = cache[partition] { return counter }
        let counter = Counter(label: label, dimensions: [("partition", "\(partition)")])
        cache[partition] = counter
        return counter
    }
}
