/// When each event of a replay should be sent, relative to the replay's start.
public enum ReplayPacing: Sendable, Equatable {
    /// As fast as possible.
    case unpaced
    /// A fixed number of events per second.
    case rate(Double)
    /// Event time, `factor` times faster than it happened.
    case speedup(Double)
}

/// Computes send times for ``ReplayPacing``; pure, so that pacing is testable
/// without a clock.
public struct ReplayPacer: Sendable {
    public let pacing: ReplayPacing
    private var firstEventTime: Int64?

    public init(_ pacing: ReplayPacing) {
        self.pacing = pacing
    }

    /// Nanoseconds after the start at which event number `index` (from 0), which
    /// happened at `eventTime` (epoch ms), is due; nil when it is due at once.
    public mutating func due(index: Int, eventTime: Int64) -> UInt64? {
        switch pacing {
        case .unpaced:
            return nil
        case .rate(let perSecond):
            return UInt64(Double(index) / perSecond * 1e9)
        case .speedup(let factor):
            guard let first = firstEventTime else {
                firstEventTime = eventTime
                return nil
            }
            // An event older than the first (unsorted logs) is due at once.
            guard eventTime > first else { return nil }
            return UInt64(Double(eventTime - first) * 1e6 / factor)
        }
    }
}
