import Foundation
import StreamRecCore
import StreamRecKafka

extension EngineLoop {
    /// Once a second: consumer lag, checkpoint age, user counts, live quality and
    /// latency percentiles, into the metrics and the published statistics.
    func updateGaugesEverySecond() {
        let now = MonotonicClock.nanoseconds()
        guard now &- lastGaugesAt >= 1_000_000_000 else { return }
        lastGaugesAt = now
        let topic = configuration.topics.events
        var lag: [Int32: Int64] = [:]
        for partition in assigned {
            guard let high = consumer.cachedHighWatermark(of: .init(topic: topic, partition: partition)),
                let next = state.offsets[partition]
            else { continue }
            lag[partition] = max(0, high - next)
            metrics.lag(lag[partition]!, partition: partition)
        }
        for partition in stats.consumerLag.keys where !assigned.contains(partition) {
            metrics.forgetLag(partition: partition)
        }
        stats.consumerLag = lag
        if let at = stats.lastCheckpointAtMilliseconds {
            metrics.checkpointAge.record(Double(Int64(Date().timeIntervalSince1970 * 1000) - at) / 1000)
        }
        stats.usersOnDisk = users.mayHoldUsers ? users.estimatedUserCount : 0
        metrics.usersOnDisk.record(stats.usersOnDisk)
        metrics.usersInMemory.record(state.features.userCount)
        stats.liveHitRate = quality.hits.share
        stats.liveRecall = quality.recall.share
        if let share = stats.liveHitRate { metrics.liveHitRate.record(share) }
        if let share = stats.liveRecall { metrics.liveRecall.record(share) }
        let percentiles = latencies.percentiles([50, 99])
        stats.eventToPublishP50Milliseconds = percentiles?[0]
        stats.eventToPublishP99Milliseconds = percentiles?[1]
        updateSharingFigures()
    }
}
