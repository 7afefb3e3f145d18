/// Blends six signals: a factor model's ranking, item co-occurrence with the
/// user's recent items, popularity, recent popularity, transitions (what
/// followed the user's last items) and the popular items of the user's
/// categories. Each is scaled to 0…1 over its candidates and weighted by an
/// ``OnlineBlend`` learned from the stream: one event in `hybridBlendInterval`
/// is first ranked as a refresh would rank it, then learned. A user only the
/// popularities know anything about gets the two popularities alone.
public struct HybridRecommender: Recommender {
    public var name: String { "hybrid" }
    var base: any Recommender
    var cooccurrence: CooccurrenceRecommender
    var popularity: PopularityRecommender
    var recentPopularity: PopularityRecommender
    let settings: ModelSettings
    /// The signals' weights: factor model, co-occurrence, popularity, recent
    /// popularity, transitions and category popularity (the co-occurrence signal's
    /// store ranked by successors and by the user's categories).
    public internal(set) var blend: OnlineBlend
    /// Events learned, counted to pick the ones the blend learns from.
    var learned = 0
    /// Candidates drawn from each signal before blending.
    static let candidates = 200
    /// The factor model's and popularity's item rows against the store's (derived
    /// from the signals, not part of the state).
    private(set) var baseRows = CatalogueMap()
    private(set) var popularityRows = CatalogueMap()
    private(set) var recentPopularityRows = CatalogueMap()
    /// Whether `base` is ranked by row (its type never changes).
    private let baseRanksByRow: Bool

    /// - Parameter blend: learned weights to go on from; by default the configured ones.
    public init(
        base: any Recommender, cooccurrence: CooccurrenceRecommender, popularity: PopularityRecommender,
        recentPopularity: PopularityRecommender, settings: ModelSettings, blend: OnlineBlend? = nil, learned: Int = 0
    ) {
        self.base = base
        self.cooccurrence = cooccurrence
        self.popularity = popularity
        self.recentPopularity = recentPopularity
        self.settings = settings
        self.blend =
            blend
            ?? OnlineBlend(
                initial: [
                    settings.hybridModelWeight, settings.hybridCooccurrenceWeight, settings.hybridPopularityWeight,
                    settings.hybridRecentPopularityWeight, settings.hybridTransitionsWeight,
                    settings.hybridCategoryWeight,
                ], window: settings.hybridBlendWindow)
        self.learned = learned
        baseRanksByRow = base is any FactorRanked
        mapNewItems()
    }

    /// Extends the row maps with the items the signals learned since the last call.
    private mutating func mapNewItems() {
        let store = cooccurrence.store.items
        if let factors = base as? any FactorRanked { baseRows.extend(signal: factors.state.items, store: store) }
        popularityRows.extend(signal: popularity.items, store: store)
        recentPopularityRows.extend(signal: recentPopularity.items, store: store)
    }

    public var featureStore: FeatureStore? { cooccurrence.store }

    public mutating func learn(_ event: Event) {
        if learnsBlend(at: learned) { learnBlend(from: event) }
        learned += 1
        learnSignals(event)
    }

    /// Whether the blend learns from the event after `count` learned ones.
    private func learnsBlend(at count: Int) -> Bool {
        settings.hybridBlendInterval > 0 && count % settings.hybridBlendInterval == 0
    }

    /// The batch in the pieces between the events the blend learns from, each
    /// ranked with what came before it: the same model as one event at a time.
    public mutating func learn(contentsOf events: [Event]) {
        learnInPieces(events) { model, range in
            model.learnSignals(contentsOf: range.count == events.count ? events : Array(events[range]))
        }
    }

    /// ``learn(contentsOf:)`` with the item side shared (see the protocol): each
    /// piece logs into a sharing of its own, added to `sharing` at its offset.
    public mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        learnInPieces(events) { model, range in
            guard range.count < events.count else { return model.learnSignals(contentsOf: events, sharing: &sharing) }
            var piece = sharing.piece(range)
            model.learnSignals(contentsOf: Array(events[range]), sharing: &piece)
            sharing.absorb(piece, startingAt: range.lowerBound)
        }
    }

    /// Splits the batch at the events the blend learns from: `learnPiece` learns
    /// each run of events between them, and each such event is judged before the
    /// run it starts. The popularities rank their leaders once, for the refreshes
    /// after the batch, not after every run: the judged events are a few, and
    /// rank without.
    private mutating func learnInPieces(_ events: [Event], _ learnPiece: (inout Self, Range<Int>) -> Void) {
        var start = 0
        for k in blendEvents(in: events.count) {
            learnPiece(&self, start..<k)
            learnBlend(from: events[k])
            start = k
        }
        learnPiece(&self, start..<events.count)
        learned += events.count
        if events.count >= LargeBatch.minimumEvents {
            popularity.rankLeaders()
            recentPopularity.rankLeaders()
        }
    }

    /// Indices of the batch's events the blend learns from, after `learned` events.
    private func blendEvents(in count: Int) -> StrideTo<Int> {
        let interval = settings.hybridBlendInterval
        guard interval > 0 else { return stride(from: 0, to: 0, by: 1) }
        return stride(from: (interval - learned % interval) % interval, to: count, by: interval)
    }

    private mutating func learnSignals(_ event: Event) {
        base.learn(event)
        cooccurrence.learn(event)
        popularity.learn(event)
        recentPopularity.learn(event)
        // Only this event's item can be new to a signal; looking it up is cheaper
        // than reaching into the base model for its catalogue after every event.
        if let row = cooccurrence.store.items.index(of: event.itemID), popularityRows.maps(storeRow: row),
            recentPopularityRows.maps(storeRow: row), !baseRanksByRow || baseRows.maps(storeRow: row)
        {
            return
        }
        mapNewItems()
    }

    /// Each signal learns the whole batch: they share no state, so the order
    /// across them does not matter, only the order within each. For a large batch
    /// the co-occurrence signal, the costliest, learns on one thread while the
    /// factor model and then the popularities learn on another (together they take
    /// about as long); the co-occurrence signal then finishes on both.
    private mutating func learnSignals(contentsOf events: [Event]) {
        guard !events.isEmpty else { return }
        guard events.count >= LargeBatch.minimumEvents else {
            base.learn(contentsOf: events)
            cooccurrence.learn(contentsOf: events)
            popularity.learn(contentsOf: events, rankingLeaders: false)
            recentPopularity.learn(contentsOf: events, rankingLeaders: false)
            mapNewItems()
            return
        }
        learnOnTwoThreads(
            holding: { $0.learnHoldingNeighbourUpdates(contentsOf: events) }, base: { $0.learn(contentsOf: events) },
            popularity: { $0.learn(contentsOf: events, rankingLeaders: false) })
    }

    /// A large batch's learning: `holding` runs the co-occurrence pass on one
    /// thread while `learnBase`, then `learnPopularity` for each popularity, run
    /// on the other. The co-occurrence updates the pass held are most of its work,
    /// and both threads are free once that step ends: they are applied on both.
    private mutating func learnOnTwoThreads(
        holding: (inout CooccurrenceRecommender) -> HeldNeighbourUpdates,
        base learnBase: (inout any Recommender) -> Void,
        popularity learnPopularity: (inout PopularityRecommender) -> Void
    ) {
        var held: HeldNeighbourUpdates?
        // The popularities are reached through pointers from the factor model's thread only.
        withUnsafeMutablePointer(to: &popularity) { popularity in
            withUnsafeMutablePointer(to: &recentPopularity) { recentPopularity in
                Parallel.run(
                    &cooccurrence, &base, { held = holding(&$0) },
                    {
                        learnBase(&$0)
                        learnPopularity(&popularity.pointee)
                        learnPopularity(&recentPopularity.pointee)
                    })
            }
        }
        if let held = held.take() { cooccurrence.applyHeld(held) }
        mapNewItems()
    }

    /// The co-occurrence signal and the popularities are shared; the factor model's
    /// item rows are added for shared items, so that every signal knows every item.
    public var sharesItemState: Bool { true }

    /// ``learnSignals(contentsOf:)`` with the co-occurrence signal (which keeps the store)
    /// logging the item side, and the popularities skipping what `sharing` skips.
    private mutating func learnSignals(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        guard !events.isEmpty else { return }
        // The factor model keeps no store: it only needs to know whether to track its item rows.
        var baseSharing = ItemSideSharing(logging: sharing.log != nil)
        guard events.count >= LargeBatch.minimumEvents else {
            base.learn(contentsOf: events, sharing: &baseSharing)
            cooccurrence.learn(contentsOf: events, sharing: &sharing)
            popularity.learn(contentsOf: events, sharing: &sharing, rankingLeaders: false)
            recentPopularity.learn(contentsOf: events, sharing: &sharing, rankingLeaders: false)
            mapNewItems()
            return
        }
        // Only the co-occurrence thread touches `sharing`; the popularities read
        // what it skips from a sharing of their own.
        var popularitySharing = ItemSideSharing(skip: sharing.skip, logging: false)
        withUnsafeMutablePointer(to: &sharing) { shared in
            learnOnTwoThreads(
                holding: { $0.learnHoldingNeighbourUpdates(contentsOf: events, sharing: shared) },
                base: { $0.learn(contentsOf: events, sharing: &baseSharing) },
                popularity: { $0.learn(contentsOf: events, sharing: &popularitySharing, rankingLeaders: false) })
        }
    }

    /// Ranks the event's user as a refresh would (consumed items left out) and
    /// lets the blend judge where the event's item stands. Nothing is judged when
    /// the item cannot be ranked: the user knew it already, or no signal has it as
    /// a candidate. For a user only the popularities speak for, all sets rank
    /// alike but for the popularities' proportion, which is what they then judge.
    private mutating func learnBlend(from event: Event) {
        let store = cooccurrence.store
        var values: [Double]
        var positive: Int?
        if let factors = rowRankedFactors {
            let excluded = store.excludedRows(of: event.userID)
            let row = store.items.index(of: event.itemID)
            if let row, excluded.contains(row) { return }
            let features = rowFeatures(for: event.userID, excludingRows: excluded, factors: factors, allSignals: true)
                .features
            values = features.values
            positive = row.flatMap { features.start(of: $0) }
        } else {
            let consumed = Set(store.excludedItems(of: event.userID))
            guard !consumed.contains(event.itemID) else { return }
            let features = signalFeatures(for: event.userID, excluding: consumed, allSignals: true)
            values = features.values
            positive = features.ids.firstIndex(of: event.itemID).map { $0 * RowFeatures.signals }
        }
        guard let positive else { return }
        let chosen = values[positive..<(positive + RowFeatures.signals)]
        values.removeSubrange(positive..<(positive + RowFeatures.signals))
        blend.learn(positive: chosen, others: values)
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
        recentPopularity.applyShared(events)
        mapNewItems()
    }

    /// The factor model, when the ranking can go by the store's rows: it ranks by
    /// row and every signal's items map to the store's. Nil sends rankings by id.
    private var rowRankedFactors: (any FactorRanked)? {
        guard baseRows.isComplete, popularityRows.isComplete, recentPopularityRows.isComplete else { return nil }
        return base as? any FactorRanked
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        if let factors = rowRankedFactors {
            return recommendByRow(for: user, count: count, excluding: excluded, factors: factors)
        }
        return recommendByID(for: user, count: count, excluding: excluded)
    }

    /// By row when the maps are complete: the store's exclusions as rows, never as ids.
    public func recommendExcludingConsumed(for user: String, count: Int) -> [ScoredItem] {
        let store = cooccurrence.store
        if let factors = rowRankedFactors {
            return recommendByRow(
                for: user, count: count, excludingRows: store.excludedRows(of: user), factors: factors)
        }
        return recommendByID(for: user, count: count, excluding: Set(store.excludedItems(of: user)))
    }

    /// Each candidate's scaled score per signal (0 where a signal does not have
    /// it; ``RowFeatures/signals`` values per id), and whether a personal signal
    /// (all but the popularities) spoke. Signals of weight 0 are left out
    /// unless `allSignals`: the blend may raise their weight, a ranking gains nothing from them.
    func signalFeatures(
        for user: String, excluding excluded: Set<String>, allSignals: Bool
    ) -> (ids: [String], values: [Double], personal: Bool) {
        let weights = blend.weights
        func wanted(_ s: Int) -> Bool { allSignals || weights[s] != 0 }
        // Unordered: scaling needs each signal's best and worst score, not its order.
        let signals = [
            wanted(0) ? base.candidates(for: user, count: Self.candidates, excluding: excluded) : [],
            wanted(1) ? cooccurrence.candidates(for: user, count: Self.candidates, excluding: excluded) : [],
            wanted(2) ? popularity.candidates(for: user, count: Self.candidates, excluding: excluded) : [],
            wanted(3) ? recentPopularity.candidates(for: user, count: Self.candidates, excluding: excluded) : [],
            wanted(4)
                ? cooccurrence.candidates(for: user, count: Self.candidates, excluding: excluded, by: .successors) : [],
            wanted(5)
                ? cooccurrence.candidates(for: user, count: Self.candidates, excluding: excluded, by: .categories) : [],
        ]
        var positions: [String: Int] = [:]
        var ids: [String] = []
        var values: [Double] = []
        for (s, signal) in signals.enumerated() {
            guard let best = signal.lazy.map(\.score).max(), let worst = signal.lazy.map(\.score).min() else {
                continue
            }
            let span = best - worst
            for item in signal {
                let position = positions[item.itemID] ?? ids.count
                if position == ids.count {
                    positions[item.itemID] = position
                    ids.append(item.itemID)
                    values += repeatElement(0, count: RowFeatures.signals)
                }
                values[position * RowFeatures.signals + s] = span > 0 ? (item.score - worst) / span : 1
            }
        }
        return (ids, values, [0, 1, 4, 5].contains { !signals[$0].isEmpty })
    }

    /// Each signal's candidates blended by item id: for any base model.
    func recommendByID(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        let features = signalFeatures(for: user, excluding: excluded, allSignals: false)
        let weights = features.personal ? blend.weights : Self.popularityOnly(blend.weights)
        let blended = features.ids.enumerated().map { position, itemID in
            // The signals in order, those of weight 0 left out: floating-point sums depend on it.
            var score = 0.0
            for s in weights.indices where weights[s] != 0 {
                score += weights[s] * features.values[position * RowFeatures.signals + s]
            }
            return ScoredItem(itemID: itemID, score: score, events: 0)
        }
        return FeatureStore.top(blended, count)
    }

    /// Without a personal signal the popularities rank alone, in their learned proportion.
    private static func popularityOnly(_ weights: [Double]) -> [Double] {
        [0, 0, weights[2], weights[3], 0, 0]
    }

    /// ``signalFeatures(for:excluding:allSignals:)`` by the store's item rows.
    func rowFeatures(
        for user: String, excludingRows unsortedRows: [Int32], factors: any FactorRanked, allSignals: Bool
    ) -> (features: RowFeatures, personal: Bool) {
        let weights = blend.weights
        let excludedRows = unsortedRows.sorted()
        func wanted(_ s: Int) -> Bool { allSignals || weights[s] != 0 }
        let model =
            wanted(0)
            ? factors.state.rankRows(
                user: user, count: Self.candidates, excludingRows: baseRows.signalRows(excludedRows),
                withBias: factors.ranksWithBias, sorted: false) : []
        let neighbours =
            wanted(1)
            ? cooccurrence.rankRows(for: user, count: Self.candidates, excludingRows: excludedRows, sorted: false) : []
        let popular =
            wanted(2)
            ? popularity.rankRows(
                count: Self.candidates, excludingRows: popularityRows.signalRows(excludedRows), sorted: false) : []
        let recent =
            wanted(3)
            ? recentPopularity.rankRows(
                count: Self.candidates, excludingRows: recentPopularityRows.signalRows(excludedRows), sorted: false)
            : []
        let successors =
            wanted(4)
            ? cooccurrence.rankRows(
                for: user, count: Self.candidates, excludingRows: excludedRows, sorted: false, by: .successors) : []
        let categories =
            wanted(5)
            ? cooccurrence.rankRows(
                for: user, count: Self.candidates, excludingRows: excludedRows, sorted: false, by: .categories) : []
        var features = RowFeatures(
            expected: model.count + neighbours.count + popular.count + recent.count + successors.count
                + categories.count)
        func add(_ signal: [(row: Int32, score: Double)], _ s: Int) {
            guard let best = signal.lazy.map(\.score).max(), let worst = signal.lazy.map(\.score).min() else {
                return
            }
            let span = best - worst
            for item in signal { features.set(item.row, s, span > 0 ? (item.score - worst) / span : 1) }
        }
        // Rows first set in the id path's order of signals.
        add(model.map { (baseRows.toStore[Int($0.row)], Double($0.score)) }, 0)
        add(neighbours.map { ($0.key, $0.value) }, 1)
        add(popular.map { (popularityRows.toStore[Int($0.row)], Double($0.score)) }, 2)
        add(recent.map { (recentPopularityRows.toStore[Int($0.row)], Double($0.score)) }, 3)
        add(successors.map { ($0.key, $0.value) }, 4)
        add(categories.map { ($0.key, $0.value) }, 5)
        return (features, !model.isEmpty || !neighbours.isEmpty || !successors.isEmpty || !categories.isEmpty)
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
        return recommendByRow(
            for: user, count: count, excludingRows: excluded.compactMap { ids.index(of: $0) }, factors: factors)
    }

    /// ``recommendByRow(for:count:excluding:factors:)`` with the store's rows to leave out.
    func recommendByRow(
        for user: String, count: Int, excludingRows excluded: [Int32], factors: any FactorRanked
    ) -> [ScoredItem] {
        let ids = cooccurrence.store.items
        let (features, personal) = rowFeatures(
            for: user, excludingRows: excluded, factors: factors, allSignals: false)
        let blended = features.blended(personal ? blend.weights : Self.popularityOnly(blend.weights))
        // FeatureStore.top's order: higher score, then lower id.
        let best = bestElements(blended, limit: count) { a, b in
            a.value != b.value ? a.value > b.value : ids.id(at: a.key) < ids.id(at: b.key)
        }
        return best.map { ScoredItem(itemID: ids.id(at: $0.key), score: $0.value, events: 0) }
    }
}
