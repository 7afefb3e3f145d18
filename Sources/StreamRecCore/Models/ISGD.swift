/// Incremental SGD matrix factorization for positive-only feedback (Vinagre,
/// Jorge & Gama, 2014, "Fast incremental matrix factorization for recommendation
/// with positive-only feedback").
///
/// Each event (u, i) is a positive: with error `e = 1 − p_u·q_i`,
/// `p_u += η (e·q_i − λ p_u)` and `q_i += η (e·p_u − λ q_i)`, η scaled by the
/// event type's weight. Items are ranked by `p_u·q_i`.
///
/// ```swift
/// var model = ISGD(schema: EventSchema(), settings: ModelSettings())
/// model.learn(event)
/// let top = model.recommend(for: "u1", count: 10, excluding: [])
/// ```
public struct ISGD: Recommender {
    public var name: String { recencyNegatives ? "raisgd" : "isgd" }
    public internal(set) var state: LatentFactors
    let settings: ModelSettings
    let weights: EventWeights
    /// RAISGD: also push down the least recently seen items (Vinagre et al., 2015).
    let recencyNegatives: Bool
    var recency = RecencyList()

    public init(schema: EventSchema, settings: ModelSettings, recencyNegatives: Bool = false) {
        state = LatentFactors(factors: settings.factors, seed: settings.seed, initScale: settings.initScale)
        self.settings = settings
        weights = EventWeights(schema)
        self.recencyNegatives = recencyNegatives
    }

    public mutating func learn(_ event: Event) {
        let user = state.user(event.userID)
        let item = state.item(event.itemID)
        let rate = Float(settings.learningRate * weights.weight(of: event))
        let reg = Float(settings.regularization)
        step(user: user, item: item, target: 1, rate: rate, reg: reg)
        guard recencyNegatives else { return }
        recency.ensure(item)
        for negative in recency.leastRecent(settings.negatives, excluding: Int32(item)) {
            step(user: user, item: Int(negative), target: 0, rate: rate, reg: reg)
        }
        recency.touch(Int32(item))
    }

    /// One squared-error step of user and item rows toward `target`.
    mutating func step(user: Int, item: Int, target: Float, rate: Float, reg: Float) {
        let stride = state.userFactors.stride
        state.userFactors.withRows { users in
            state.itemFactors.withRows { items in
                let p = users + user * stride, q = items + item * stride
                let error = target - FactorMatrix.dot(p, q, stride: stride)
                sgdPairStep(p, q, error: error, learningRate: rate, regularization: reg, stride: stride)
            }
        }
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        state.rank(user: user, count: count, excluding: excluded, withBias: ranksWithBias)
    }

    public func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        state.rank(user: user, count: count, excluding: excluded, withBias: ranksWithBias, sorted: false)
    }
}

/// Items from least to most recently interacted with, for recency-based negatives.
struct RecencyList: Sendable, Equatable {
    var newer: [Int32] = []
    var older: [Int32] = []
    var newest: Int32 = -1
    var oldest: Int32 = -1

    mutating func ensure(_ item: Int) {
        while newer.count <= item {
            let index = Int32(newer.count)
            newer.append(-1)
            older.append(newest)
            if newest >= 0 { newer[Int(newest)] = index }
            newest = index
            if oldest < 0 { oldest = index }
        }
    }

    func leastRecent(_ count: Int, excluding item: Int32) -> [Int32] {
        var result: [Int32] = []
        var cursor = oldest
        while cursor >= 0, result.count < count {
            if cursor != item { result.append(cursor) }
            cursor = newer[Int(cursor)]
        }
        return result
    }

    mutating func touch(_ item: Int32) {
        guard newest != item else { return }
        let (n, o) = (newer[Int(item)], older[Int(item)])
        if n >= 0 { older[Int(n)] = o }
        if o >= 0 { newer[Int(o)] = n } else { oldest = n }
        older[Int(item)] = newest
        newer[Int(item)] = -1
        if newest >= 0 { newer[Int(newest)] = item }
        newest = item
    }
}

extension ISGD {
    public mutating func applyShared(_ events: [SharedItemEvent]) {
        state.addItems(of: events)
    }
}
