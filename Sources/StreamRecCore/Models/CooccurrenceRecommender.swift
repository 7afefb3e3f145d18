/// Incremental item-kNN from the feature store's co-occurrence: a user's score
/// for an item is the sum of its similarity to the user's most recent items.
public struct CooccurrenceRecommender: Recommender {
    public var name: String { "cooccurrence" }
    public internal(set) var store: FeatureStore
    let recentItems: Int
    let neighbours: Int

    public init(schema: EventSchema, features: FeatureSettings, settings: ModelSettings) {
        var features = features
        features.recentItems = max(features.recentItems, settings.cooccurrenceRecentItems, settings.cooccurrenceWindow)
        features.cooccurrence = true
        features.cooccurrenceWindow = settings.cooccurrenceWindow
        features.neighbours = settings.cooccurrenceNeighbours
        // Candidates kept per item. Twice those served would scan a third less per
        // update of a full table, but ranks worse on the larger ML-1M sample
        // (hybrid Recall@10 0.2044 against 0.2101), so three times it is.
        features.neighbourCapacity = max(features.neighbourCapacity, 3 * settings.cooccurrenceNeighbours)
        store = FeatureStore(schema: schema, settings: features)
        recentItems = settings.cooccurrenceRecentItems
        neighbours = features.neighbours
    }

    public var featureStore: FeatureStore? { store }

    public mutating func learn(_ event: Event) {
        store.apply(event)
    }

    public mutating func learn(contentsOf events: [Event]) {
        store.apply(contentsOf: events)
    }

    public var sharesItemState: Bool { true }

    public mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        store.apply(contentsOf: events, sharing: &sharing)
    }

    public mutating func applyShared(_ events: [SharedItemEvent]) {
        store.applyShared(contentsOf: events)
    }

    /// ``learn(contentsOf:)`` in the two steps of ``FeatureStore/applyHoldingNeighbourUpdates(contentsOf:)``.
    mutating func learnHoldingNeighbourUpdates(
        contentsOf events: [Event], sharing: UnsafeMutablePointer<ItemSideSharing>? = nil
    ) -> HeldNeighbourUpdates {
        store.applyHoldingNeighbourUpdates(contentsOf: events, sharing: sharing)
    }

    mutating func applyHeld(_ held: consuming HeldNeighbourUpdates) {
        store.applyHeld(held, onTwoThreads: true)
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        ranked(for: user, count: count, excluding: excluded, sorted: true)
    }

    public func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        ranked(for: user, count: count, excluding: excluded, sorted: false)
    }

    private func ranked(for user: String, count: Int, excluding excluded: Set<String>, sorted: Bool) -> [ScoredItem] {
        let ids = store.items
        return rankRows(
            for: user, count: count, excludingRows: excluded.compactMap { ids.index(of: $0) }, sorted: sorted
        )
        .map { ScoredItem(itemID: ids.id(at: $0.key), score: $0.value, events: 0) }
    }

    /// The ranking by row of the store's items, leaving out `excluded` rows (in any order).
    func rankRows(
        for user: String, count: Int, excludingRows excluded: [Int32], sorted: Bool
    ) -> [(key: Int32, value: Double)] {
        let recent = store.recentItemRows(of: user, limit: recentItems)
        guard !recent.isEmpty else { return [] }
        // By row, not id: a refresh sums about a thousand neighbour scores, and only
        // the winners need their ids.
        var scores = RowScores(expected: recent.count * neighbours + excluded.count)
        for row in excluded { scores.exclude(row) }
        for item in recent {
            for neighbour in store.similarRows(to: item, limit: neighbours) {
                scores.add(neighbour.row, neighbour.score)
            }
        }
        let ids = store.items
        func ranksAbove(_ a: (key: Int32, value: Double), _ b: (key: Int32, value: Double)) -> Bool {
            a.value != b.value ? a.value > b.value : ids.id(at: a.key) < ids.id(at: b.key)
        }
        // In place: the candidates for a hybrid are a fifth or so of the summed rows.
        var best = scores.summed
        keepBest(&best, limit: count, by: ranksAbove)
        if sorted { best.sort(by: ranksAbove) }
        return best
    }
}
