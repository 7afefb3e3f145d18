/// What each user's rankings leave out under the store's exclusion policy
/// (``FeatureSettings/recommendAgainTypes``, ``FeatureSettings/recommendAgainAfter``),
/// kept beside any model: the evaluation excludes the same items for every model,
/// including those that keep no feature store.
///
/// It keeps each user's latest distinct items as the store's recent list does
/// (by event time, a repeat moving its item only forward), so that it leaves out
/// exactly what ``FeatureStore/excludedItems(of:)`` would.
public struct ExclusionTracker: Sendable {
    private struct UserHistory {
        var lasting = Set<String>()
        var passing = Set<String>()
        /// Newest first: (event time, item), at most `after`.
        var latest: [(time: Int64, item: String)] = []

        mutating func record(_ item: String, passing: Bool, time: Int64, keepsLatest: Bool, capacity: Int) {
            if passing {
                if !lasting.contains(item) { self.passing.insert(item) }
            } else {
                lasting.insert(item)
                self.passing.remove(item)
            }
            if keepsLatest { ExclusionTracker.insert(item, at: time, into: &latest, capacity: capacity) }
        }
    }

    private let recommendAgain: Set<String>
    private let after: Int
    private var users: [String: UserHistory] = [:]

    public init(settings: FeatureSettings) {
        recommendAgain = Set(settings.recommendAgainTypes)
        after = settings.recommendAgainAfter
    }

    /// Whether the user has consumed anything.
    public func knows(_ user: String) -> Bool { users[user] != nil }

    /// The items the user's rankings leave out now.
    public func excluded(for user: String) -> Set<String> {
        guard let history = users[user] else { return [] }
        guard !history.passing.isEmpty else { return history.lasting }
        return history.lasting.union(history.latest.lazy.map(\.item).filter { history.passing.contains($0) })
    }

    /// Records that the user had an event of `type` with `item` at `time`.
    public mutating func record(user: String, item: String, type: String, time: Int64) {
        // In place: a copy taken out of the dictionary and written back would copy
        // the user's sets on every event.
        users[user, default: UserHistory()].record(
            item, passing: recommendAgain.contains(type), time: time, keepsLatest: !recommendAgain.isEmpty,
            capacity: after)
    }

    /// The store's rule: an item already listed at this time or later stays; else it
    /// goes after every entry at least as new, the oldest falling off.
    fileprivate static func insert(
        _ item: String, at time: Int64, into list: inout [(time: Int64, item: String)], capacity: Int
    ) {
        if let existing = list.firstIndex(where: { $0.item == item }) {
            if list[existing].time >= time { return }
            list.remove(at: existing)
        }
        let position = list.firstIndex { $0.time < time } ?? list.count
        guard position < capacity else { return }
        list.insert((time, item), at: position)
        if list.count > capacity { list.removeLast() }
    }
}
