/// Biased matrix factorization for explicit ratings (Funk's SVD as Koren, Bell
/// & Volinsky describe it; the model of Surprise's `SVD`), learned by SGD one
/// rating at a time.
///
/// `r̂ = μ + b_u + b_i + p_u·q_i`; with `e = r − r̂`: `b_u += η (e − λ b_u)`,
/// `b_i += η (e − λ b_i)`, `p_u += η (e q_i − λ p_u)`, `q_i += η (e p_u − λ q_i)`.
/// Online, μ is the running mean of the ratings seen; ``fit(_:epochs:)`` trains
/// in passes over a fixed set, as batch libraries do. Only rating events teach it.
public struct BiasedMF: Recommender {
    public var name: String { "biased-mf" }
    public internal(set) var state: LatentFactors
    let settings: ModelSettings
    let ratingType: String
    public internal(set) var globalMean: Double = 0
    var ratingsSeen = 0

    public init(schema: EventSchema, settings: ModelSettings) {
        state = LatentFactors(factors: settings.ratingFactors, seed: settings.seed, initScale: settings.initScale)
        self.settings = settings
        ratingType = schema.ratingType
    }

    public mutating func learn(_ event: Event) {
        guard event.type == ratingType, let rating = event.value else { return }
        ratingsSeen += 1
        globalMean += (rating - globalMean) / Double(ratingsSeen)
        step(user: state.user(event.userID), item: state.item(event.itemID), rating: Float(rating))
    }

    /// Trains on `ratings` in `epochs` passes in the given order, with μ fixed at
    /// their mean, as Surprise's SVD does.
    public mutating func fit(_ ratings: [Event], epochs: Int) {
        let usable = ratings.filter { $0.type == ratingType && $0.value != nil }
        guard !usable.isEmpty else { return }
        globalMean = usable.reduce(0) { $0 + $1.value! } / Double(usable.count)
        ratingsSeen = usable.count
        let rows = usable.map { (state.user($0.userID), state.item($0.itemID), Float($0.value!)) }
        for _ in 0..<epochs {
            for (user, item, rating) in rows { step(user: user, item: item, rating: rating) }
        }
    }

    mutating func step(user: Int, item: Int, rating: Float) {
        let rate = Float(settings.ratingLearningRate), reg = Float(settings.ratingRegularization)
        let stride = state.userFactors.stride
        let (bu, bi) = (state.userBias[user], state.itemBias[item])
        let error: Float = state.userFactors.withRows { users in
            state.itemFactors.withRows { items in
                let p = users + user * stride, q = items + item * stride
                let error = rating - (Float(globalMean) + bu + bi + FactorMatrix.dot(p, q, stride: stride))
                sgdPairStep(p, q, error: error, learningRate: rate, regularization: reg, stride: stride)
                return error
            }
        }
        state.userBias[user] = bu + rate * (error - reg * bu)
        state.itemBias[item] = bi + rate * (error - reg * bi)
    }

    /// `μ + b_u + b_i + p_u·q_i`, with unknown parts left out (a new user gets μ + b_i).
    public func predictRating(user: String, item: String) -> Double? {
        guard ratingsSeen > 0 else { return nil }
        var prediction = globalMean
        let u = state.users.index(of: user).map(Int.init), i = state.items.index(of: item).map(Int.init)
        if let u { prediction += Double(state.userBias[u]) }
        if let i { prediction += Double(state.itemBias[i]) }
        if let u, let i { prediction += Double(state.userFactors.dot(row: u, with: state.itemFactors, row: i)) }
        return prediction
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
