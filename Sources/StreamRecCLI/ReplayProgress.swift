import Foundation
import StreamRecCore

/// The replay's running count: redrawn in place on a terminal, silent otherwise
/// (the summary line is printed either way).
struct ReplayProgress {
    private let enabled: Bool
    private var lastDraw: UInt64 = 0
    private let start = MonotonicClock.nanoseconds()

    init(enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    var elapsedSeconds: Double { Double(MonotonicClock.nanoseconds() - start) / 1e9 }

    /// Redraws at most five times a second. `fraction` is how far through the input
    /// the reader is, when known.
    mutating func update(sent: Int, rejected: Int, fraction: Double?) {
        guard enabled else { return }
        let now = MonotonicClock.nanoseconds()
        guard now - lastDraw > 200_000_000 else { return }
        lastDraw = now
        let seconds = Double(now - start) / 1e9
        let rate = seconds > 0 ? Double(sent) / seconds : 0
        var line = "\r  \(Self.grouped(sent)) events  \(Self.grouped(Int(rate)))/s  rejected \(Self.grouped(rejected))"
        if let fraction, fraction > 0 {
            let width = 24
            let filled = min(width, Int(fraction * Double(width)))
            let remaining = seconds / fraction - seconds
            line += "  [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            line += String(format: " %3.0f%%  ETA %d:%02d", fraction * 100, Int(remaining) / 60, Int(remaining) % 60)
        }
        FileHandle.standardError.write(Data((line + "   ").utf8))
    }

    /// Clears the progress line before the summary.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 100) + "\r").utf8))
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}
