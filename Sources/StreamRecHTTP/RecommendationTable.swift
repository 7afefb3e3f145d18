import Foundation
import Logging
import Metrics
import StreamRecCore
import StreamRecKafka
import Synchronization

/// The recommendations topic materialized in memory, for `streamrec serve`: the
/// newest list of every user, read from the start of every partition (the topic
/// is compacted, so that is one record per user) and kept current. It joins no
/// consumer group and commits nothing: every replica reads the whole topic, and
/// a restart reads it again.
package final class RecommendationTable: Sendable {
    private struct Progress {
        var lists: [String: Recommendation] = [:]
        /// Next offset to read, and the high watermark at start, per partition.
        var next: [Int32: Int64] = [:]
        var highAtStart: [Int32: Int64] = [:]
        var caughtUp = false
        var failure: String?
        var stopped = false
    }

    private let consumer: KafkaConsumer
    private let topic: String
    private let logger: Logger
    private let progress = Mutex(Progress())
    private let lagGauge = Gauge(label: "streamrec_serve_lag_records")
    private let usersGauge = Gauge(label: "streamrec_serve_users")

    /// Assigns `partitions` (all of `topic`'s) from their first retained record
    /// and starts reading on a thread of its own.
    package init(client: KafkaClientConfiguration, topic: String, partitions: [Int32], logger: Logger) throws {
        var configuration = KafkaConsumerConfiguration(client: client, groupID: "streamrec-serve")
        configuration.fetchWaitMaxMilliseconds = 20
        consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        self.topic = topic
        self.logger = logger
        var starts: [KafkaTopicPartitionOffset] = []
        var highs: [Int32: Int64] = [:]
        var next: [Int32: Int64] = [:]
        for partition in partitions {
            let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
            let (low, high) = try consumer.watermarks(of: topicPartition)
            starts.append(KafkaTopicPartitionOffset(topicPartition, offset: KafkaOffset(low)))
            highs[partition] = high
            next[partition] = low
        }
        try consumer.assign(starts)
        progress.withLock {
            $0.highAtStart = highs
            $0.next = next
            $0.caughtUp = highs.allSatisfy { next[$0.key]! >= $0.value }
        }
        let thread = Thread { [self] in readUntilStopped() }
        thread.name = "streamrec-serve-reader"
        thread.start()
    }

    /// The user's newest list, or nil.
    package func list(of user: String) -> Recommendation? {
        progress.withLock { $0.lists[user] }
    }

    /// Users with a list.
    package var userCount: Int { progress.withLock { $0.lists.count } }

    /// Whether everything on the topic at start has been read.
    package var caughtUp: Bool { progress.withLock { $0.caughtUp } }

    /// Why reading stopped, if it failed.
    package var failure: String? { progress.withLock { $0.failure } }

    /// Records on the topic not read yet (as of the last fetch).
    package var lag: Int64 {
        let next = progress.withLock { $0.next }
        return next.reduce(0) { sum, entry in
            let high = consumer.cachedHighWatermark(of: .init(topic: topic, partition: entry.key)) ?? entry.value
            return sum + max(0, high - entry.value)
        }
    }

    package func stop() {
        progress.withLock { $0.stopped = true }
    }

    private func readUntilStopped() {
        defer { try? consumer.closeSync() }
        var gaugesAt = ContinuousClock.now
        while !progress.withLock({ $0.stopped }) {
            if ContinuousClock.now - gaugesAt >= .seconds(1) {
                gaugesAt = .now
                lagGauge.record(lag)
                usersGauge.record(userCount)
            }
            let batch: [KafkaConsumerMessage]
            do {
                batch = try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(100))
            } catch {
                logger.error("reading \(topic) failed: \(error)")
                progress.withLock { $0.failure = "\(error)" }
                return
            }
            var decoded: [(user: String, list: Recommendation?)] = []
            decoded.reserveCapacity(batch.count)
            for message in batch {
                guard let user = message.keyString else { continue }
                guard let value = message.value else {
                    decoded.append((user, nil))  // a tombstone: `streamrec forget`
                    continue
                }
                do {
                    decoded.append((user, try Recommendation(decoding: value)))
                } catch {
                    logger.warning("skipping \(message.topic)[\(message.partition)]@\(message.offset): \(error)")
                }
            }
            progress.withLock { progress in
                for (user, list) in decoded {
                    if let list {
                        if let old = progress.lists[user], !list.supersedes(old) { continue }
                        progress.lists[user] = list
                    } else {
                        progress.lists[user] = nil
                    }
                }
                for message in batch { progress.next[message.partition] = message.offset + 1 }
                if !progress.caughtUp {
                    progress.caughtUp = progress.highAtStart.allSatisfy {
                        progress.next[$0.key, default: 0] >= $0.value
                    }
                }
            }
        }
    }
}
