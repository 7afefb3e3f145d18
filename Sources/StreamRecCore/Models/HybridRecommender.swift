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
    /// The factor model's and popularity's item rows against the store's (derived
    /// from the signals, not part of the state).
    private(set) var baseRows = CatalogueMap()
    private(set) var popularityRows = CatalogueMap()
    /// Whether `base` is ranked by row (its type never changes).
    private let baseRanksByRow: Bool

    public init(
        base: any Recommender, cooccurrence: CooccurrenceRecommender, popularity: PopularityRecommender,
        settings: ModelSettings
    ) {
        self.base = base
        self.cooccurrence = cooccurrence
        self.popularity = popularity
        self.settings = settings
        baseRanksByRow = base is any FactorRanked
        mapNewItems()
    }

    /// Extends the row maps with the items the signals learned since the last call.
    private mutating func mapNewItems() {
        let store = cooccurrence.store.items
        if let factors = base as? any FactorRanked { baseRows.extend(signal: factors.state.items, store: store) }
        popularityRows.extend(signal: popularity.items, store: store)
    }

    public var featureStore: FeatureStore? { cooccurrence.store }

    public mutating func learn(_ event: Event) {
        base.learn(event)
        cooccurrence.learn(event)
        popularity.learn(event)
        // Only this event's item can be new to a signal; looking it up is cheaper
        // than reaching into the base model for its catalogue after every event.
        if let row = cooccurrence.store.items.index(of: event.itemID), popularityRows.maps(storeRow: row),
            !baseRanksByRow || baseRows.maps(storeRow: row)
        {
            return
        }
        mapNewItems()
    }

    /// Each signal learns the whole batch: they share no state, so the order
    /// across them does not matter, only the order within each. For a large batch
    /// the co-occurrence signal, the costliest, learns on one thread while the
    /// factor model learns on another, then finishes on both; popularity, the
    /// cheapest, follows.
    public mutating func learn(contentsOf events: [Event]) {
        guard events.count >= LargeBatch.minimumEvents else {
            base.learn(contentsOf: events)
            cooccurrence.learn(contentsOf: events)
            popularity.learn(contentsOf: events)
            mapNewItems()
            return
        }
        // The co-occurrence updates held at the end of the first step are most of its
        // work; the factor model is done long before, so they get both threads.
        var held: HeldNeighbourUpdates?
        Parallel.run(
            &cooccurrence, &base, { held = $0.learnHoldingNeighbourUpdates(contentsOf: events) },
            { $0.learn(contentsOf: events) })
        if let held = held.take() { cooccurrence.applyHeld(held) }
        popularity.learn(contentsOf: events)
        mapNewItems()
    }

    /// The co-occurrence signal and popularity are shared; the factor model's
    /// item rows are added for shared items, so that every signal knows every item.
    public var sharesItemState: Bool { true }

    /// ``learn(contentsOf:)`` with the co-occurrence signal (which keeps the store)
    /// logging the item side, and popularity skipping what `sharing` skips.
    public mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        // The factor model keeps no store: it only needs to know whether to track its item rows.
        var baseSharing = ItemSideSharing(logging: sharing.log != nil)
        guard events.count >= LargeBatch.minimumEvents else {
            base.learn(contentsOf: events, sharing: &baseSharing)
            cooccurrence.learn(contentsOf: events, sharing: &sharing)
            popularity.learn(contentsOf: events, sharing: &sharing)
            mapNewItems()
            return
        }
        var held: HeldNeighbourUpdates?
        // Only the co-occurrence thread touches `sharing`.
        withUnsafeMutablePointer(to: &sharing) { shared in
            Parallel.run(
                &cooccurrence, &base, { held = $0.learnHoldingNeighbourUpdates(contentsOf: events, sharing: shared) },
                { $0.learn(contentsOf: events, sharing: &baseSharing) })
        }
        if let held = held.take() { cooccurrence.applyHeld(held) }
        popularity.learn(contentsOf: events, sharing: &sharing)
        mapNewItems()
    }

    public mutating func takeFactorDeltas() -> [ItemFactorDelta] { base.takeFactorDeltas() }

    public mutating func applyFactorDeltas(_ deltas: [ItemFactorDelta]) {
        base.applyFactorDeltas(deltas)
        mapNewItems()
    }

    public mutating func applyShared(_ events: [SharedItemEvent]) {
        base.applyShared(events)
        cooccurrence.applyShared(events)
        popularity.applyShared(events)
        mapNewItems()
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        if let factors = base as? any FactorRanked, baseRows.isComplete, popularityRows.isComplete {
            return recommendByRow(for: user, count: count, excluding: excluded, factors: factors)
        }
        return recommendByID(for: user, count: count, excluding: excluded)
    }

    /// Each signal's candidates blended by item id: for any base model.
    func recommendByID(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        // Unordered: blending needs each signal's best and worst score, not its order.
        let model = base.candidates(for: user, count: Self.candidates, excluding: excluded)
        let neighbours = cooccurrence.candidates(for: user, count: Self.candidates, excluding: excluded)
        let popular = popularity.candidates(for: user, count: Self.candidates, excluding: excluded)
        if model.isEmpty && neighbours.isEmpty {
            return popularity.recommend(for: user, count: count, excluding: excluded)
        }
        var blended: [String: Double] = [:]
        blended.reserveCapacity(model.count + neighbours.count + popular.count)
        for (signal, weight) in [
            (model, settings.hybridModelWeight), (neighbours, settings.hybridCooccurrenceWeight),
            (popular, settings.hybridPopularityWeight),
        ] where weight != 0 {
            guard let best = signal.lazy.map(\.score).max(), let worst = signal.lazy.map(\.score).min() else {
                continue
            }
            let span = best - worst
            for item in signal {
                // Scaled to 0…1 within the signal, so that weights compare like with like.
                blended[item.itemID, default: 0] += weight * (span > 0 ? (item.score - worst) / span : 1)
            }
        }
        return FeatureStore.top(blended.map { ScoredItem(itemID: $0.key, score: $0.value, events: 0) }, count)
    }

    /// ``recommendByID(for:count:excluding:)`` over the store's item rows: the same
    /// list, with each signal ranked by row and ids looked up once at each end,
    /// instead of hashing every candidate's id and every excluded id once per signal.
    func recommendByRow(
        for user: String, count: Int, excluding excluded: Set<String>, factors: any FactorRanked
    ) -> [ScoredItem] {
        let ids = cooccurrence.store.items
        // Every signal's items are the store's (the maps are complete): an id the
        // store does not know excludes nothing.
        let excludedRows = excluded.compactMap { ids.index(of: $0) }
        let neighbours = cooccurrence.rankRows(
            for: user, count: Self.candidates, excludingRows: excludedRows, sorted: false)
        let model = factors.state.rankRows(
            user: user, count: Self.candidates, excludingRows: baseRows.signalRows(excludedRows),
            withBias: factors.ranksWithBias, sorted: false)
        if model.isEmpty && neighbours.isEmpty {
            return popularity.recommend(for: user, count: count, excluding: excluded)
        }
        let popular = popularity.rankRows(
            count: Self.candidates, excludingRows: popularityRows.signalRows(excludedRows), sorted: false)

        var blended = RowScores(expected: model.count + neighbours.count + popular.count)
        func blend(_ signal: [(row: Int32, score: Double)], weight: Double) {
            guard weight != 0, let best = signal.lazy.map(\.score).max(), let worst = signal.lazy.map(\.score).min()
            else { return }
            let span = best - worst
            for item in signal { blended.add(item.row, weight * (span > 0 ? (item.score - worst) / span : 1)) }
        }
        // The signals in the order of the id path: floating-point sums depend on it.
        blend(model.map { (baseRows.toStore[Int($0.row)], Double($0.score)) }, weight: settings.hybridModelWeight)
        blend(neighbours.map { ($0.key, $0.value) }, weight: settings.hybridCooccurrenceWeight)
        blend(
            popular.map { (popularityRows.toStore[Int($0.row)], Double($0.score)) },
            weight: settings.hybridPopularityWeight)
        // FeatureStore.top's order: higher score, then lower id.
        let best = bestElements(blended.summed, limit: count) { a, b in
            a.value != b.value ? a.value > b.value : ids.id(at: a.key) < ids.id(at: b.key)
        }
        return best.map { ScoredItem(itemID: ids.id(at: $0.key), score: $0.value, events: 0) }
    }
}
