import Foundation

/// Online Bayesian Personalized Ranking (Rendle et al., 2009) with sampled
/// negatives, one SGD step per event and negative.
///
/// For a positive (u, i) and a negative j: `x = p_u·(q_i − q_j) + b_i − b_j`,
/// `g = σ(−x)`; then `p_u += η (g (q_i − q_j) − λ p_u)`, `q_i += η (g p_u − λ q_i)`,
/// `q_j += η (−g p_u − λ q_j)`, and the item biases likewise. Negatives are
/// uniform over known items, or drawn in proportion to popularity (a uniform
/// pick among the items of recent events).
public struct OnlineBPR: Recommender {
    public var name: String { "bpr" }
    public internal(set) var state: LatentFactors
    let settings: ModelSettings
    let weights: EventWeights
    /// Item rows of recent events, for popularity-weighted sampling.
    var recentItems: [Int32] = []
    var recentCursor = 0
    var events: UInt64 = 0
    static let recentCapacity = 10_000
    /// While item factors are shared: each item row changed since the last
    /// ``takeFactorDeltas()``, as it was before (factors, then bias). Not state.
    var itemsBefore: [Int32: [Float]]?

    public init(schema: EventSchema, settings: ModelSettings) {
        state = LatentFactors(factors: settings.factors, seed: settings.seed, initScale: settings.initScale)
        self.settings = settings
        weights = EventWeights(schema)
    }

    public mutating func learn(_ event: Event) {
        let user = state.user(event.userID)
        let item = state.item(event.itemID)
        events += 1
        let rate = Float(settings.learningRate * weights.weight(of: event))
        var random = SeededRandom(seed: settings.seed, stream: 3, index: events)
        for _ in 0..<settings.negatives {
            guard let negative = sampleNegative(excluding: item, random: &random) else { break }
            step(user: user, positive: item, negative: negative, rate: rate, reg: Float(settings.regularization))
        }
        if recentItems.count < Self.recentCapacity {
            recentItems.append(Int32(item))
        } else {
            recentItems[recentCursor] = Int32(item)
            recentCursor = (recentCursor + 1) % Self.recentCapacity
        }
    }

    func sampleNegative(excluding item: Int, random: inout SeededRandom) -> Int? {
        for _ in 0..<4 {
            let candidate: Int
            switch settings.negativeSampling {
            case .uniform:
                guard state.itemFactors.rows > 1 else { return nil }
                candidate = Int(random.next() % UInt64(state.itemFactors.rows))
            case .popularity:
                guard !recentItems.isEmpty else { return nil }
                candidate = Int(recentItems[Int(random.next() % UInt64(recentItems.count))])
            }
            if candidate != item { return candidate }
        }
        return nil
    }

    mutating func step(user: Int, positive: Int, negative: Int, rate: Float, reg: Float) {
        if itemsBefore != nil {
            noteChange(positive)
            noteChange(negative)
        }
        let stride = state.userFactors.stride
        let (bi, bj) = (state.itemBias[positive], state.itemBias[negative])
        let g: Float = withUnsafeTemporaryAllocation(of: Float.self, capacity: stride * 2) { scratch in
            let difference = scratch.baseAddress!, previousUser = scratch.baseAddress! + stride
            return state.userFactors.withRows { users in
                state.itemFactors.withRows { items in
                    let p = users + user * stride, qi = items + positive * stride, qj = items + negative * stride
                    for k in 0..<stride { difference[k] = qi[k] - qj[k] }
                    let x = FactorMatrix.dot(p, difference, stride: stride) + bi - bj
                    let g = 1 / (1 + expf(x))  // σ(−x)
                    previousUser.update(from: p, count: stride)
                    sgdStep(p, toward: difference, gradient: g, learningRate: rate, regularization: reg, stride: stride)
                    sgdStep(
                        qi, toward: previousUser, gradient: g, learningRate: rate, regularization: reg, stride: stride)
                    sgdStep(
                        qj, toward: previousUser, gradient: -g, learningRate: rate, regularization: reg, stride: stride)
                    return g
                }
            }
        }
        state.itemBias[positive] = bi + rate * (g - reg * bi)
        state.itemBias[negative] = bj + rate * (-g - reg * bj)
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        state.rank(user: user, count: count, excluding: excluded, withBias: ranksWithBias)
    }

    public func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        state.rank(user: user, count: count, excluding: excluded, withBias: ranksWithBias, sorted: false)
    }

    public mutating func applyShared(_ events: [SharedItemEvent]) {
        state.addItems(of: events)
    }

    /// Learns as ``learn(contentsOf:)``; while `sharing` logs, item rows are
    /// tracked for ``takeFactorDeltas()``. Item factors are learned whatever
    /// `sharing` skips: they are a model, not counts.
    public mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        // Tracking starts with sharing and stops with it (`auto` stops when the
        // instance is alone): what is learned meanwhile is nobody else's.
        if sharing.log == nil {
            itemsBefore = nil
        } else if itemsBefore == nil {
            itemsBefore = [:]
        }
        learn(contentsOf: events)
    }

    private mutating func noteChange(_ row: Int) {
        let key = Int32(row)
        guard itemsBefore![key] == nil else { return }
        itemsBefore![key] = Array(state.itemFactors.row(row)) + [state.itemBias[row]]
    }

    public mutating func takeFactorDeltas() -> [ItemFactorDelta] {
        guard let before = itemsBefore, !before.isEmpty else { return [] }
        itemsBefore = [:]
        let factors = state.itemFactors.factors
        return before.keys.sorted().map { row in
            let old = before[row]!
            let now = state.itemFactors.row(Int(row))
            return ItemFactorDelta(
                itemID: state.items.id(at: row), factors: zip(now, old).map { $0 - $1 },
                bias: state.itemBias[Int(row)] - old[factors])
        }
    }

    /// Adds the deltas to the rows (new items get theirs first), and to the rows'
    /// values before, so that they are not shared back.
    public mutating func applyFactorDeltas(_ deltas: [ItemFactorDelta]) {
        let factors = state.itemFactors.factors
        for delta in deltas where delta.factors.count == factors {
            let row = state.item(delta.itemID)
            let stride = state.itemFactors.stride
            state.itemFactors.withRows { values in
                for k in 0..<factors { values[row * stride + k] += delta.factors[k] }
            }
            state.itemBias[row] += delta.bias
            if itemsBefore?[Int32(row)] != nil {
                for k in 0..<factors { itemsBefore![Int32(row)]![k] += delta.factors[k] }
                itemsBefore![Int32(row)]![factors] += delta.bias
            }
        }
    }
}
