import Foundation
import StreamRecCore
import StreamRecKafka
import Synchronization

/// Follows a recommendation topic from its end on a thread of its own, the way
/// any downstream consumer would, and keeps each update's latency: receipt time
/// minus the `based_on.event_time` of the newest event behind it. The demo and the
/// engine benchmark measure the engine with it.
package final class RecommendationTail: Sendable {
    private struct Progress {
        var latencies: [Int64] = []
        var lastArrival: UInt64 = 0
        var assigned = false
        var stopped = false
        var done = false
    }

    private let consumer: KafkaConsumer
    private let onUpdate: @Sendable (Recommendation) -> Void
    private let progress = Mutex(Progress())

    /// Subscribes to `topic` with `configuration` (its own group; reading from the
    /// latest offset) and starts reading. `onUpdate` runs on the reader thread for
    /// every update, in arrival order.
    package init(
        consumer configuration: KafkaConsumerConfiguration, topic: String,
        onUpdate: @escaping @Sendable (Recommendation) -> Void = { _ in }
    ) throws {
        var configuration = configuration
        configuration.autoOffsetReset = .latest
        consumer = try KafkaConsumer(configuration: configuration)
        self.onUpdate = onUpdate
        try consumer.subscribe(topics: [topic])
        let thread = Thread { [self] in loop() }
        thread.name = "streamrec-tail"
        thread.start()
    }

    /// Whether the group has given the reader its partitions: updates published
    /// before then are not seen.
    package var isAssigned: Bool { progress.withLock { $0.assigned } }

    /// Monotonic time (`DispatchTime` nanoseconds) of the latest arrival; 0 before the first.
    package var lastArrivalNanoseconds: UInt64 { progress.withLock { $0.lastArrival } }

    /// Waits until the reader owns its partitions.
    package func waitUntilAssigned() async throws {
        while !isAssigned { try await Task.sleep(for: .milliseconds(50)) }
    }

    /// Waits until no update has arrived for `idle` (after at least one did), then stops.
    package func stop(afterIdle idle: Duration) async -> [Int64] {
        let idleNanoseconds = UInt64(idle / .nanoseconds(1))
        while true {
            try? await Task.sleep(for: .milliseconds(100))
            let last = lastArrivalNanoseconds
            if last > 0, MonotonicClock.nanoseconds() - last > idleNanoseconds { break }
        }
        return stop()
    }

    /// Stops reading and closes the consumer; returns every update's latency in
    /// milliseconds, in arrival order.
    package func stop() -> [Int64] {
        progress.withLock { $0.stopped = true }
        while !progress.withLock({ $0.done }) { usleep(10_000) }
        return progress.withLock { $0.latencies }
    }

    private func loop() {
        while !progress.withLock({ $0.stopped }) {
            guard let batch = try? consumer.poll(maxMessages: 10_000, timeout: .milliseconds(20)) else { continue }
            if !isAssigned, let owned = try? consumer.assignment(), !owned.isEmpty {
                progress.withLock { $0.assigned = true }
            }
            guard !batch.isEmpty else { continue }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let arrival = MonotonicClock.nanoseconds()
            var updates: [Recommendation] = []
            for message in batch {
                guard let value = message.value, let update = try? Recommendation(decoding: value) else { continue }
                updates.append(update)
            }
            progress.withLock {
                $0.latencies += updates.map { now - $0.basedOn.eventTime }
                $0.lastArrival = arrival
            }
            updates.forEach(onUpdate)
        }
        try? consumer.closeSync()
        progress.withLock { $0.done = true }
    }
}

/// Percentiles of latencies in milliseconds (nearest rank; -1 when there are none).
package struct LatencyPercentiles: Sendable {
    package let count: Int
    package let p50: Int64
    package let p90: Int64
    package let p99: Int64
    package let max: Int64

    package init(_ latencies: [Int64]) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Int64 {
            sorted.isEmpty ? -1 : sorted[Swift.min(sorted.count - 1, Int(p * Double(sorted.count)))]
        }
        count = sorted.count
        p50 = percentile(0.5)
        p90 = percentile(0.9)
        p99 = percentile(0.99)
        max = sorted.last ?? -1
    }
}
