import Foundation
import StreamRecCore
import StreamRecKafka

/// The demo's view of the recommendation topic: reads it on a thread of its own,
/// keeps each update's latency, and prints the followed users' lists when they change.
final class DemoWatcher: @unchecked Sendable {
    // @unchecked: mutable state is only touched under `lock`.
    private let consumer: KafkaConsumer
    private let follow: Set<String>
    private let lock = NSLock()
    private var latencies: [Int64] = []
    private var shown: [String: [String]] = [:]
    private var lastEvent: [String: Event] = [:]
    private var stopped = false
    private var assigned = false
    private var done = false

    init(cluster: EmbeddedKafkaCluster, topic: String, follow: Set<String>) throws {
        self.follow = follow
        var configuration = cluster.consumerConfiguration(groupID: "streamrec-demo-watch")
        configuration.autoOffsetReset = .latest
        consumer = try KafkaConsumer(configuration: configuration)
        try consumer.subscribe(topics: [topic])
        let thread = Thread { [self] in loop() }
        thread.start()
    }

    var isAssigned: Bool { lock.withLock { assigned } }

    /// Remembers what a followed user just did, to print beside their next list.
    func noteSent(_ event: Event) {
        guard follow.contains(event.userID) else { return }
        lock.withLock { lastEvent[event.userID] = event }
    }

    private func loop() {
        while !(lock.withLock { stopped }) {
            guard let batch = try? consumer.poll(maxMessages: 1_000, timeout: .milliseconds(20)) else { continue }
            if !lock.withLock({ assigned }), let owned = try? consumer.assignment(), !owned.isEmpty {
                lock.withLock { assigned = true }
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for message in batch {
                guard let value = message.value, let update = try? Recommendation(decoding: value) else { continue }
                lock.withLock {
                    latencies.append(now - update.basedOn.eventTime)
                    show(update)
                }
            }
        }
        try? consumer.close()
        lock.withLock { done = true }
    }

    /// Prints a followed user's top 5 when it changed (called under `lock`).
    private func show(_ update: Recommendation) {
        guard follow.contains(update.userID) else { return }
        let top = update.items.prefix(5).map(\.itemID)
        guard top != shown[update.userID] else { return }
        let previous = Set(shown[update.userID] ?? [])
        shown[update.userID] = top
        let listed = top.map { previous.isEmpty || previous.contains($0) ? $0 : "\($0)*" }.joined(separator: "  ")
        let cause = lastEvent[update.userID].map { "after \($0.type) \($0.itemID)" } ?? ""
        print("\(update.userID.padding(toLength: 8, withPad: " ", startingAt: 0)) \(listed.padding(toLength: 70, withPad: " ", startingAt: 0)) \(cause)")
        fflush(nil)
    }

    /// Stops reading; returns how many updates arrived and the latency percentiles.
    func finish() -> (received: Int, p50: Int64, p99: Int64) {
        lock.withLock { stopped = true }
        while !(lock.withLock { done }) { usleep(10_000) }
        return lock.withLock {
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Int64 { sorted.isEmpty ? -1 : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))] }
            return (sorted.count, percentile(0.5), percentile(0.99))
        }
    }
}
