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
}
