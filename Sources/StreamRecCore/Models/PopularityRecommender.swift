/// Time-decayed popularity: every item's interaction weight, decayed with a
/// half-life (or not at all: cumulative popularity). The baseline every model must
/// beat, and the answer for users nothing is known about.
public struct PopularityRecommender: Recommender {
    public let name: String
    var items = IDInterner()
    var scores: [Double] = []
    var decay: ForwardDecay?
    let weights: EventWeights
    var now: Int64 = .min
    /// The best rows in ranking order while the scores have not changed since a
    /// large batch; nil once an event is learned alone. Not part of the state.
    var leaders: [TopN.Entry]?
    /// Leaders kept: enough for a list plus the items a user consumed.
    static let leaderCount = 1_024

    /// - Parameters:
    ///   - halfLifeHours: nil for cumulative counts.
    ///   - name: what it is called; by default `popularity`, or `popularity-cumulative` without a half-life.
    public init(schema: EventSchema, halfLifeHours: Double?, name: String? = nil) {
        self.name = name ?? (halfLifeHours == nil ? "popularity-cumulative" : "popularity")
        decay = halfLifeHours.map { ForwardDecay(halfLifeHours: $0) }
        weights = EventWeights(schema)
    }

    public mutating func learn(_ event: Event) {
        leaders = nil
        let (item, _) = items.intern(event.itemID)
        if scores.count <= Int(item) { scores.append(0) }
        let time = event.timestampMilliseconds
        if time > now {
            now = time
            if var decay, decay.needsRenormalization(at: time) {
                let factor = decay.moveLandmark(to: time)
                for k in scores.indices { scores[k] *= factor }
                self.decay = decay
            }
        }
        scores[Int(item)] += decay.map { weights.weight(of: event) * $0.factor(at: time) } ?? weights.weight(of: event)
    }

    /// Learns the batch, then ranks the leaders once for all the rankings that follow
    /// it: every user's popularity list is the same but for what they consumed.
    public mutating func learn(contentsOf events: [Event]) {
        learn(contentsOf: events, rankingLeaders: events.count >= LargeBatch.minimumEvents)
    }

    /// ``learn(contentsOf:)``, ranking the leaders only when asked: a caller that
    /// learns a batch in pieces ranks them once, after the last (``rankLeaders()``).
    mutating func learn(contentsOf events: [Event], rankingLeaders: Bool) {
        for event in events { learn(event) }
        if rankingLeaders { rankLeaders() }
    }

    /// Ranks the leaders the rankings until the next learned event start from.
    mutating func rankLeaders() {
        leaders = Self.ranked(scores, count: Self.leaderCount, skipping: [], sorted: true)
    }

    public var sharesItemState: Bool { true }

    /// Popularity is all item side: the events `sharing` skips are left out.
    public mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        learn(contentsOf: events, sharing: &sharing, rankingLeaders: events.count >= LargeBatch.minimumEvents)
    }

    /// ``learn(contentsOf:sharing:)`` with the leaders ranked only when asked.
    mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing, rankingLeaders: Bool) {
        guard !sharing.skip.isEmpty else { return learn(contentsOf: events, rankingLeaders: rankingLeaders) }
        learn(
            contentsOf: events.indices.filter { !sharing.skip[$0] }.map { events[$0] }, rankingLeaders: rankingLeaders)
    }

    public mutating func applyShared(_ events: [SharedItemEvent]) {
        learn(contentsOf: events.map(\.itemEvent))
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        ranked(count: count, excluding: excluded, sorted: true)
    }

    public func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        ranked(count: count, excluding: excluded, sorted: false)
    }

    private func ranked(count: Int, excluding excluded: Set<String>, sorted: Bool) -> [ScoredItem] {
        let skipped = excluded.compactMap { items.index(of: $0) }.sorted()
        return rankRows(count: count, excludingRows: skipped, sorted: sorted)
            .map { ScoredItem(itemID: items.id(at: $0.row), score: Double($0.score), events: 0) }
    }

    /// The ranking by row of `items`, leaving out `skipped` (ascending).
    func rankRows(count: Int, excludingRows skipped: [Int32], sorted: Bool) -> [TopN.Entry] {
        guard count > 0 else { return [] }
        return fromLeaders(count: count, skipping: skipped)
            ?? Self.ranked(scores, count: count, skipping: skipped, sorted: sorted)
    }

    /// The first `count` leaders not skipped: the same entries, in the same order, as
    /// a full ranking, since the leaders are its beginning. Nil when there are no
    /// leaders or too many of them are skipped.
    private func fromLeaders(count: Int, skipping skipped: [Int32]) -> [TopN.Entry]? {
        guard let leaders else { return nil }
        var picked: [TopN.Entry] = []
        picked.reserveCapacity(count)
        // Past a few skipped rows, a bit per row: testing a leader is then one load,
        // where a binary search over a user's hundreds of consumed items took about ten.
        var bits: [UInt64] = []
        if skipped.count > 8 {
            bits = [UInt64](repeating: 0, count: (scores.count + 63) / 64)
            for row in skipped where row >= 0 && Int(row) < scores.count {
                bits[Int(row) >> 6] |= 1 << UInt64(row & 63)
            }
        }
        for entry in leaders {
            if picked.count == count { break }
            let isSkipped =
                bits.isEmpty
                ? skipped.containsSorted(entry.row) : bits[Int(entry.row) >> 6] & (1 << UInt64(entry.row & 63)) != 0
            if !isSkipped { picked.append(entry) }
        }
        return picked.count == count || leaders.count == scores.count ? picked : nil
    }

    /// The best `count` rows by score relative to the top score, leaving out
    /// `skipped` (sorted), walked alongside the scan as in TopN: no hashing per item.
    private static func ranked(_ scores: [Double], count: Int, skipping skipped: [Int32], sorted: Bool) -> [TopN.Entry]
    {
        // Relative to the top score: forward-decayed sums can exceed Float's range.
        let top = max(scores.max() ?? 1, .leastNormalMagnitude)
        return TopN.select(count: count, rows: scores.count, sorted: sorted) { offer in
            var skip = 0
            for (row, score) in scores.enumerated() {
                while skip < skipped.count, skipped[skip] < Int32(row) { skip += 1 }
                if skip < skipped.count, skipped[skip] == Int32(row) { continue }
                offer(TopN.Entry(row: Int32(row), score: Float(score / top)))
            }
        }
    }
}

extension [Int32] {
    /// Whether the (ascending) array holds `value`, by binary search.
    func containsSorted(_ value: Int32) -> Bool {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low] == value
    }
}
