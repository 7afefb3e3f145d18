/// Incremental item-kNN from the feature store's co-occurrence: a user's score
/// for an item is the sum of its similarity to the user's most recent items,
/// each weighted less the further back it is. Ranked by ``Ranking/successors``
/// (the `transitions` model), the sum is over what followed the user's last
/// few items instead: the order of a history, as in a news session.
public struct CooccurrenceRecommender: Recommender {
    /// What a user's recent items are followed to.
    public enum Ranking: UInt8, Sendable {
        /// Items that co-occur with them (`cooccurrence`).
        case neighbours
        /// Items that came next after them (`transitions`).
        case successors
        /// Popular items of the user's strongest categories (`category-popularity`).
        case categories
    }

    public var name: String {
        switch ranking {
        case .neighbours: "cooccurrence"
        case .successors: "transitions"
        case .categories: "category-popularity"
        }
    }
    /// Categories ``Ranking/categories`` draws from: the user's strongest.
    static let rankedCategories = 3
    public internal(set) var store: FeatureStore
    let ranking: Ranking
    let recentItems: Int
    let neighbours: Int
    let positionDecay: Double
    /// Recent items whose successors ``Ranking/successors`` sums.
    let transitionRecentItems: Int

    /// - Parameter keepsSuccessors: keep transition tables though ranking by
    ///   neighbours (the hybrid ranks by both).
    public init(
        schema: EventSchema, features: FeatureSettings, settings: ModelSettings, ranking: Ranking = .neighbours,
        keepsSuccessors: Bool = false
    ) {
        var features = features
        features.recentItems = max(features.recentItems, settings.cooccurrenceRecentItems, settings.cooccurrenceWindow)
        features.cooccurrence = true
        features.cooccurrenceWindow = settings.cooccurrenceWindow
        features.cooccurrencePairDecay = settings.cooccurrencePairDecay
        features.cooccurrenceDamping = settings.cooccurrenceDamping
        features.cooccurrenceTypeWeights = settings.cooccurrenceTypeWeights
        features.successorCapacity = ranking == .successors || keepsSuccessors ? settings.transitionSuccessors : 0
        features.recentItems = max(features.recentItems, settings.transitionRecentItems)
        features.neighbours = settings.cooccurrenceNeighbours
        // Candidates kept per item. Twice those served would scan a third less per
        // update of a full table, but ranks worse on the larger ML-1M sample
        // (hybrid Recall@10 0.2044 against 0.2101), so three times it is.
        features.neighbourCapacity = max(features.neighbourCapacity, 3 * settings.cooccurrenceNeighbours)
        store = FeatureStore(schema: schema, settings: features)
        recentItems = settings.cooccurrenceRecentItems
        neighbours = features.neighbours
        positionDecay = settings.cooccurrencePositionDecay
        transitionRecentItems = settings.transitionRecentItems
        self.ranking = ranking
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

    /// ``candidates(for:count:excluding:)`` by `ranking` (the hybrid's transitions signal).
    func candidates(
        for user: String, count: Int, excluding excluded: Set<String>, by ranking: Ranking
    ) -> [ScoredItem] {
        ranked(for: user, count: count, excluding: excluded, sorted: false, by: ranking)
    }

    private func ranked(
        for user: String, count: Int, excluding excluded: Set<String>, sorted: Bool, by ranking: Ranking? = nil
    ) -> [ScoredItem] {
        let ids = store.items
        return rankRows(
            for: user, count: count, excludingRows: excluded.compactMap { ids.index(of: $0) }, sorted: sorted,
            by: ranking
        )
        .map { ScoredItem(itemID: ids.id(at: $0.key), score: $0.value, events: 0) }
    }

    /// The ranking by row of the store's items, leaving out `excluded` rows (in
    /// any order), by the model's own ``Ranking`` unless another is given.
    func rankRows(
        for user: String, count: Int, excludingRows excluded: [Int32], sorted: Bool, by ranking: Ranking? = nil
    ) -> [(key: Int32, value: Double)] {
        let ranking = ranking ?? self.ranking
        let ids = store.items
        func ranksAbove(_ a: (key: Int32, value: Double), _ b: (key: Int32, value: Double)) -> Bool {
            a.value != b.value ? a.value > b.value : ids.id(at: a.key) < ids.id(at: b.key)
        }
        if ranking == .categories {
            let skipped = Set(excluded)
            var best = store.categoryRows(for: user, categories: Self.rankedCategories)
                .compactMap { skipped.contains($0.row) ? nil : (key: $0.row, value: $0.score) }
            keepBest(&best, limit: count, by: ranksAbove)
            if sorted { best.sort(by: ranksAbove) }
            return best
        }
        let successors = ranking == .successors
        let recent = store.recentItemRows(of: user, limit: successors ? transitionRecentItems : recentItems)
        guard !recent.isEmpty else { return [] }
        // By row, not id: a refresh sums about a thousand neighbour scores, and only
        // the winners need their ids.
        var scores = RowScores(expected: recent.count * neighbours + excluded.count)
        for row in excluded { scores.exclude(row) }
        var weight = 1.0
        for item in recent {
            let scored =
                successors
                ? store.successorRows(of: item, limit: neighbours) : store.similarRows(to: item, limit: neighbours)
            for neighbour in scored { scores.add(neighbour.row, weight * neighbour.score) }
            weight *= positionDecay
        }
        // In place: the candidates for a hybrid are a fifth or so of the summed rows.
        var best = scores.summed
        keepBest(&best, limit: count, by: ranksAbove)
        if sorted { best.sort(by: ranksAbove) }
        return best
    }
}
