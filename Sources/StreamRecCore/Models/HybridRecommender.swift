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

    public mutating func learn(_ event: Event) {
        base.learn(event)
        cooccurrence.learn(event)
        popularity.learn(event)
    }

    /// Each signal learns the whole batch in turn: they share no state, so the
    /// order across them does not matter, only the order within each.
    public mutating func learn(contentsOf events: [Event]) {
        base.learn(contentsOf: events)
        cooccurrence.learn(contentsOf: events)
        popularity.learn(contentsOf: events)
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        let model = base.recommend(for: user, count: Self.candidates, excluding: excluded)
        let neighbours = cooccurrence.recommend(for: user, count: Self.candidates, excluding: excluded)
        let popular = popularity.recommend(for: user, count: Self.candidates, excluding: excluded)
        if model.isEmpty && neighbours.isEmpty { return Array(popular.prefix(count)) }
        var blended: [String: Double] = [:]
        blended.reserveCapacity(model.count + neighbours.count + popular.count)
        for (signal, weight) in [(model, settings.hybridModelWeight), (neighbours, settings.hybridCooccurrenceWeight),
                                 (popular, settings.hybridPopularityWeight)] where weight != 0 {
            guard let best = signal.first?.score, let worst = signal.last?.score else { continue }
            let span = best - worst
            for item in signal {
                // Scaled to 0…1 within the signal, so that weights compare like with like.
                blended[item.itemID, default: 0] += weight * (span > 0 ? (item.score - worst) / span : 1)
            }
        }
        return FeatureStore.top(blended.map { ScoredItem(itemID: $0.key, score: $0.value, events: 0) }, count)
    }
}
