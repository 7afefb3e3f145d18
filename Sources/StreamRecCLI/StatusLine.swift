import Foundation
import StreamRecEngine
import Synchronization

/// The periodic one-line status of `streamrec run`, with rates since the last
/// line. An idle engine prints nothing: a line is printed only when something
/// in it changed.
final class StatusLine: Sendable {
    private let last = Mutex<(time: Date, statistics: EngineStatistics)?>(nil)

    func print(_ statistics: EngineStatistics) {
        let now = Date()
        let rate: String? = last.withLock { last in
            guard last?.statistics != statistics else { return nil }
            defer { last = (now, statistics) }
            guard let last, now > last.time else { return "" }
            let events = statistics.eventsApplied - last.statistics.eventsApplied
            return String(format: " (%.0f/s)", Double(events) / now.timeIntervalSince(last.time))
        }
        guard let rate else { return }
        printError("streamrec run: \(Self.describe(statistics, rate: rate))")
    }

    static func describe(_ s: EngineStatistics, rate: String = "") -> String {
        let rejected = s.rejected.values.reduce(0, +)
        let partitions = s.assignedPartitions.map(String.init).joined(separator: ",")
        let periodic = s.periodicRefreshes > 0 ? " (\(s.periodicRefreshes) periodic)" : ""
        let resets = s.offsetResets > 0 ? ", \(s.offsetResets) offset resets (records skipped: see the log)" : ""
        return
            "\(s.eventsApplied) events\(rate), \(rejected) dead-lettered, \(s.recommendationsPublished) updates\(periodic), "
            + "\(s.checkpoints) checkpoints\(resets); partitions [\(partitions)]"
    }
}
