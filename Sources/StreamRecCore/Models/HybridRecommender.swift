/// Blends a factor model's ranking, item co-occurrence with the user's recent
/// items and popularity, each scaled to its best candidate and weighted from the
/// configuration. A user the model and co-occurrence know nothing of gets
/// popularity alone.
public struct HybridRecommender: Recommender {
    public var name: String { "hybrid" }
    var base: any Recommender
    var cooccurrence: CooccurrenceRecommender
    var popularity: PopularityRecommender
    let settings: ModelSettings
    /// Candidates drawn from each signal before blending.
    static let candidates = 200

    public init(base: any Recommender, cooccurrence: CooccurrenceRecommender, popularity: PopularityRecommender, settings: ModelSettings) {
        self.base = base
        self.cooccurrence = cooccurrence
        self.popularity = popularity
        self.settings = settings
    }

    public var featureStore: FeatureStore? { cooccurrence.store }

    public mutating func learn(_ event: Event) {
        base.learn(event)
        cooccurrence.learn(event)
        popularity.learn(event)
    }

    /// Each signal learns the whole batch: they share no state, so the order
    /// across them does not matter, only the order within each. For a large batch
    /// the co-occurrence signal, the costliest, learns on one thread while the
    /// factor model learns on another; popularity, the cheapest, follows.
    public mutating func learn(contentsOf events: [Event]) {
        guard events.count >= LargeBatch.minimumEvents else {
            base.learn(contentsOf: events)
            cooccurrence.learn(contentsOf: events)
            popularity.learn(contentsOf: events)
            return
        }
        LargeBatch.inParallel(&cooccurrence, &base, { $0.learn(contentsOf: events) }, { $0.learn(contentsOf: events) })
        popularity.learn(contentsOf: events)
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        // Unordered: blending needs each signal's best and worst score, not its order.
        let model = base.candidates(for: user, count: Self.candidates, excluding: excluded)
        let neighbours = cooccurrence.candidates(for: user, count: Self.candidates, excluding: excluded)
        let popular = popularity.candidates(for: user, count: Self.candidates, excluding: excluded)
        if model.isEmpty && neighbours.isEmpty { return popularity.recommend(for: user, count: count, excluding: excluded) }
        var blended: [String: Double] = [:]
        blended.reserveCapacity(model.count + neighbours.count + popular.count)
        for (signal, weight) in [(model, settings.hybridModelWeight), (neighbours, settings.hybridCooccurrenceWeight),
                                 (popular, settings.hybridPopularityWeight)] where weight != 0 {
            guard let best = signal.lazy.map(\.score).max(), let worst = signal.lazy.map(\.score).min() else { continue }
            let span = best - worst
            for item in signal {
                // Scaled to 0…1 within the signal, so that weights compare like with like.
                blended[item.itemID, default: 0] += weight * (span > 0 ? (item.score - worst) / span : 1)
            }
        }
        return FeatureStore.top(blended.map { ScoredItem(itemID: $0.key, score: $0.value, events: 0) }, count)
    }
}
