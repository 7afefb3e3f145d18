import DequeModule
import StreamRecCore

/// Decides when a touched user's recommendations are recomputed.
///
/// A user nobody refreshed within the window is refreshed at once, so a quiet
/// user's first event adds no delay. Events that arrive within the window after a
/// refresh are coalesced into one trailing refresh when the window ends, carrying
/// the newest event as its source. A burst of twenty events therefore yields one
/// or two updates, and every event is reflected no later than one window after it
/// was consumed. Times are monotonic nanoseconds supplied by the caller.
struct RefreshScheduler {
    typealias Source = Recommendation.Source

    /// Window in nanoseconds; 0 refreshes on every batch that touches the user.
    let window: UInt64
    private var lastRefresh: [String: UInt64] = [:]
    /// Refresh times in order, to forget `lastRefresh` entries once their window is over.
    private var refreshLog: Deque<(user: String, at: UInt64)> = []
    private var trailing: [String: (source: Source, due: UInt64)] = [:]
    private var trailingOrder: Deque<(user: String, due: UInt64)> = []

    init(windowNanoseconds: UInt64) {
        window = windowNanoseconds
    }

    /// Users whose refresh waits for its window to end.
    var pendingCount: Int { trailing.count }

    /// Whether a trailing refresh of the user is waiting.
    func isPending(_ user: String) -> Bool { trailing[user] != nil }

    /// Drops the user's waiting refresh (another instance owns them now).
    mutating func cancel(_ user: String) { trailing[user] = nil }

    /// When the earliest trailing refresh falls due.
    var nextDue: UInt64? {
        trailingOrder.first { trailing[$0.user]?.due == $0.due }?.due
    }

    /// Takes the users one batch touched (each once, with its newest event) and
    /// returns those to refresh now; the rest wait for their window to end.
    mutating func schedule(_ touched: [(user: String, source: Source)], now: UInt64) -> [(user: String, source: Source)]
    {
        forgetExpired(now: now)
        var refreshNow: [(user: String, source: Source)] = []
        for (user, source) in touched {
            if let last = lastRefresh[user], now &- last < window {
                let due = last + window
                if trailing[user] == nil { trailingOrder.append((user, due)) }
                trailing[user] = (source, due)
            } else {
                // A pending trailing refresh is overtaken by this one, which is newer.
                trailing[user] = nil
                refreshNow.append((user, source))
            }
        }
        return refreshNow
    }

    /// Trailing refreshes whose window has ended by `now`.
    mutating func due(now: UInt64) -> [(user: String, source: Source)] {
        var result: [(user: String, source: Source)] = []
        while let first = trailingOrder.first, first.due <= now {
            trailingOrder.removeFirst()
            if let entry = trailing[first.user], entry.due == first.due {
                trailing[first.user] = nil
                result.append((first.user, entry.source))
            }
        }
        return result
    }

    /// Every waiting refresh, at once: for shutdown, so that no event stays unanswered.
    mutating func drain() -> [(user: String, source: Source)] {
        defer {
            trailing.removeAll()
            trailingOrder.removeAll()
        }
        return trailingOrder.compactMap { entry in
            trailing[entry.user].flatMap { $0.due == entry.due ? (entry.user, $0.source) : nil }
        }
    }

    /// Records that `user` was refreshed at `now`, opening its window.
    mutating func refreshed(_ user: String, now: UInt64) {
        guard window > 0 else { return }
        lastRefresh[user] = now
        refreshLog.append((user, now))
    }

    /// Keeps memory to the users refreshed within the last window.
    private mutating func forgetExpired(now: UInt64) {
        while let first = refreshLog.first, now &- first.at >= window {
            refreshLog.removeFirst()
            if lastRefresh[first.user] == first.at { lastRefresh[first.user] = nil }
        }
    }
}
