import Foundation
import StreamRecEngine
import Synchronization

/// The periodic one-line status of `streamrec run`, with rates since the last line.
final class StatusLine: Sendable {
    private let last = Mutex<(time: Date, events: Int)?>(nil)

    func print(_ statistics: EngineStatistics) {
        let now = Date()
        let rate: String = last.withLock { last in
            defer { last = (now, statistics.eventsApplied) }
            guard let last, now > last.time else { return "" }
            return String(
                format: " (%.0f/s)", Double(statistics.eventsApplied - last.events) / now.timeIntervalSince(last.time))
        }
        printError("streamrec run: \(Self.describe(statistics, rate: rate))")
    }

    static func describe(_ s: EngineStatistics, rate: String = "") -> String {
        let rejected = s.rejected.values.reduce(0, +)
        let partitions = s.assignedPartitions.map(String.init).joined(separator: ",")
        let periodic = s.periodicRefreshes > 0 ? " (\(s.periodicRefreshes) periodic)" : ""
        return
            "\(s.eventsApplied) events\(rate), \(rejected) dead-lettered, \(s.recommendationsPublished) updates\(periodic), "
            + "\(s.checkpoints) checkpoints; partitions [\(partitions)]"
    }
}
