import StreamRecCore

/// How good the recommendations are while they are served, measured on the
/// stream itself:
///
/// - the hit rate of what was published: for each event whose user has a
///   published list, whether the event's item is in it;
/// - the prequential Recall@10 of the live model, as `streamrec evaluate` measures
///   it: a sample of events is ranked for before the batch holding it is applied.
///
/// Ranking costs as much as a refresh, so the sample is bounded in time (at most
/// ``samplesPerSecond``), not in events: its cost stays a few percent at any rate.
struct LiveQuality {
    static let samplesPerSecond = 200.0
    /// Each user's last published items, as hashes: half the memory of short ids
    /// or less, kept for every user memory holds.
    private var lastPublished: [String: [Int]] = [:]
    private(set) var hits = RollingShare(capacity: 10_000)
    private(set) var recall = RollingShare(capacity: 2_000)
    private var budget = 0.0
    private var refilledAt: UInt64?

    /// Counts each event whose user has a published list as a hit or a miss.
    mutating func check(_ events: [Event]) -> (hits: Int, checked: Int) {
        guard !lastPublished.isEmpty else { return (0, 0) }
        var found = 0
        var checked = 0
        for event in events {
            guard let list = lastPublished[event.userID] else { continue }
            let hit = list.contains(event.itemID.hashValue)
            hits.add(hit)
            checked += 1
            if hit { found += 1 }
        }
        return (found, checked)
    }

    mutating func published(_ user: String, items: [String]) {
        lastPublished[user] = items.map(\.hashValue)
    }

    /// Forgets a user whose list no longer matters here (moved elsewhere, erased).
    mutating func forget(_ user: String) {
        lastPublished[user] = nil
    }

    /// Indices of the `count` events of a batch to rank for, spread evenly, as
    /// many as the time since the last batch allows.
    mutating func sample(count: Int, now: UInt64) -> [Int] {
        let elapsed = refilledAt.map { Double(now &- $0) / 1e9 } ?? 0
        refilledAt = now
        budget = min(budget + elapsed * Self.samplesPerSecond, Self.samplesPerSecond)
        let take = min(count, Int(budget))
        guard take > 0 else { return [] }
        budget -= Double(take)
        let stride = Double(count) / Double(take)
        return (0..<take).map { Int(Double($0) * stride) }
    }

    mutating func addRecall(_ outcomes: [Bool]) {
        for outcome in outcomes { recall.add(outcome) }
    }
}
