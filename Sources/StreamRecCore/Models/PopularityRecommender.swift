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

    /// - Parameter halfLifeHours: nil for cumulative counts.
    public init(schema: EventSchema, halfLifeHours: Double?) {
        name = halfLifeHours == nil ? "popularity-cumulative" : "popularity"
        decay = halfLifeHours.map { ForwardDecay(halfLifeHours: $0) }
        weights = EventWeights(schema)
    }

    public mutating func learn(_ event: Event) {
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

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        ranked(count: count, excluding: excluded, sorted: true)
    }

    public func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        ranked(count: count, excluding: excluded, sorted: false)
    }

    private func ranked(count: Int, excluding excluded: Set<String>, sorted: Bool) -> [ScoredItem] {
        var heap = BoundedHeap(capacity: max(count, 1))
        // Walked alongside the scan, as in TopN: no hashing per item.
        let skipped = excluded.compactMap { items.index(of: $0) }.sorted()
        var skip = 0
        // Relative to the top score: forward-decayed sums can exceed Float's range.
        let top = max(scores.max() ?? 1, .leastNormalMagnitude)
        for (row, score) in scores.enumerated() {
            while skip < skipped.count, skipped[skip] < Int32(row) { skip += 1 }
            if skip < skipped.count, skipped[skip] == Int32(row) { continue }
            heap.offer(TopN.Entry(row: Int32(row), score: Float(score / top)))
        }
        return (sorted ? heap.sortedDescending() : heap.unordered).prefix(count).map { ScoredItem(itemID: items.id(at: $0.row), score: Double($0.score), events: 0) }
    }
}
