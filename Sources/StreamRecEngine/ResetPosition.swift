import StreamRecCore

/// Where `streamrec run --reset-to` starts partitions that the state holds nothing of.
package enum ResetPosition: Sendable, Equatable, CustomStringConvertible {
    case earliest
    case latest
    /// The first record at or after this time (epoch milliseconds).
    case time(Int64)

    /// Parses `earliest`, `latest` or an RFC 3339 time.
    package init?(argument: String) {
        switch argument {
        case "earliest": self = .earliest
        case "latest": self = .latest
        default:
            guard let milliseconds = RFC3339.milliseconds(argument) else { return nil }
            self = .time(milliseconds)
        }
    }

    package var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case .time(let milliseconds): RFC3339.format(milliseconds)
        }
    }
}
