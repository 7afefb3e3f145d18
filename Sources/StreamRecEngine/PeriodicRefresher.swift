import DequeModule
import StreamRecCore

/// Chooses recently active users whose list may have gone stale although they
/// did nothing since: the model and the item state move on with everyone else's
/// events (new items, shifting popularity and co-occurrence), so a list computed
/// many events ago can rank differently now.
///
/// Every `interval`, users active (an event of theirs refreshed) within
/// `activeWindow` are refreshed again when at least `driftEvents` events were
/// applied since their last update, stalest first and at most `maxUsers` per
/// round, so that a round's work is bounded. The update repeats the user's last
/// `based_on`; its later `generated_at` tells consumers it is the newer list.
/// Times are monotonic nanoseconds supplied by the caller.
struct PeriodicRefresher {
    typealias Source = Recommendation.Source

    let interval: UInt64
    let activeWindow: UInt64
    let driftEvents: Int64
    let maxUsers: Int

    private struct Entry {
        var activeAt: UInt64
        /// Events applied (engine-wide) when the user's list was last computed.
        var computedAt: Int64
        var source: Source
    }
    private var users: [String: Entry] = [:]
    /// Activity in time order, to forget users once their window is over; an
    /// entry is stale when the user was active again later.
    private var activity: Deque<(user: String, at: UInt64)> = []
    private var nextRound: UInt64?

    /// - Parameter interval: 0 turns periodic refreshes off.
    init(interval: UInt64, activeWindow: UInt64, driftEvents: Int64, maxUsers: Int) {
        self.interval = interval
        self.activeWindow = activeWindow
        self.driftEvents = driftEvents
        self.maxUsers = maxUsers
    }

    init(configuration: StreamRecConfiguration.Engine) {
        self.init(
            interval: UInt64(configuration.periodicRefreshMilliseconds) * 1_000_000,
            activeWindow: UInt64(configuration.periodicRefreshActiveMilliseconds) * 1_000_000,
            driftEvents: Int64(configuration.periodicRefreshDriftEvents),
            maxUsers: configuration.periodicRefreshMaxUsers)
    }

    var isEnabled: Bool { interval > 0 }

    /// Users remembered as recently active.
    var activeCount: Int { users.count }

    /// Records a published update. `causedByEvent` is false for the periodic
    /// updates themselves, which must not keep a quiet user active for ever.
    mutating func noteUpdate(_ user: String, source: Source, eventsApplied: Int64, now: UInt64, causedByEvent: Bool) {
        guard isEnabled else { return }
        if causedByEvent {
            users[user] = Entry(activeAt: now, computedAt: eventsApplied, source: source)
            activity.append((user, now))
        } else {
            users[user]?.computedAt = eventsApplied
        }
    }

    /// The users to refresh now: empty but once per interval.
    mutating func due(now: UInt64, eventsApplied: Int64) -> [(user: String, source: Source)] {
        guard isEnabled else { return [] }
        guard let next = nextRound else {
            nextRound = now + interval
            return []
        }
        guard now >= next else { return [] }
        nextRound = now + interval
        forgetInactive(now: now)
        let stalest = users.filter { eventsApplied - $0.value.computedAt >= driftEvents }
            .sorted {
                $0.value.computedAt != $1.value.computedAt ? $0.value.computedAt < $1.value.computedAt : $0.key < $1.key
            }
            .prefix(maxUsers)
        return stalest.map { ($0.key, $0.value.source) }
    }

    /// Forgets the users of partitions this instance no longer owns: their new
    /// owner refreshes them.
    mutating func forget(partitions: Set<Int32>) {
        users = users.filter { !partitions.contains($0.value.source.partition) }
    }

    /// Forgets one user (erased).
    mutating func forget(user: String) {
        users[user] = nil
    }

    private mutating func forgetInactive(now: UInt64) {
        while let first = activity.first, now &- first.at >= activeWindow {
            activity.removeFirst()
            if users[first.user]?.activeAt == first.at { users[first.user] = nil }
        }
    }
}
