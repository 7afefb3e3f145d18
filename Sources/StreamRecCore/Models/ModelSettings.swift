/// Hyper-parameters of the models; the `model` section of the configuration.
public struct ModelSettings: Sendable, Equatable {
    /// Latent factors of the implicit-feedback models (ISGD, RAISGD, BPR).
    public var factors = 32
    public var learningRate = 0.05
    public var regularization = 0.01
    /// Standard deviation of initial factors.
    public var initScale = 0.1
    /// Negative items per event (RAISGD, BPR).
    public var negatives = 3
    public var negativeSampling = NegativeSampling.uniform
    public var seed: UInt64 = 42

    /// Biased MF (explicit ratings), with Surprise SVD's defaults.
    public var ratingFactors = 100
    public var ratingLearningRate = 0.005
    public var ratingRegularization = 0.02
    /// Passes over the training data when fitting in batch (k-fold evaluation).
    public var ratingEpochs = 20

    /// The hybrid: which model it blends, and the weight of each signal.
    public var hybridBase = "bpr"
    public var hybridModelWeight = 0.3
    public var hybridCooccurrenceWeight = 1.0
    public var hybridPopularityWeight = 0.1
    public var hybridRecentPopularityWeight = 0.1
    public var hybridTransitionsWeight = 0.1
    public var hybridCategoryWeight = 0.3
    /// The hybrid learns its weights (from the values above) from one event in
    /// this many; 0 keeps them as configured.
    public var hybridBlendInterval = 1_024
    /// Events the hybrid's weight learning counts evidence over before it
    /// starts counting again (``OnlineBlend``).
    public var hybridBlendWindow = 1_000
    /// Recent items of the user whose neighbours the co-occurrence model sums.
    public var cooccurrenceRecentItems = 14
    /// The co-occurrence model's pairing window and neighbours per item. Wider
    /// than the feature store's defaults, which are sized for update speed: on
    /// MovieLens 100K, window 10 with 100 neighbours finds about a fifth more hits.
    public var cooccurrenceWindow = 10
    public var cooccurrenceNeighbours = 100
    /// Weight of a pairing relative to the one with the next more recent item
    /// (the store's ``FeatureSettings/cooccurrencePairDecay``).
    public var cooccurrencePairDecay = 0.9
    /// How much a candidate's own occurrences discount its co-occurrence score
    /// (the store's ``FeatureSettings/cooccurrenceDamping``; 0.5 is cosine).
    /// Tuned (scripts/tune-defaults.py): below cosine, popular candidates rank
    /// higher, which every stream tuned on preferred.
    public var cooccurrenceDamping = 0.3
    /// Whether pairings weigh as their event's type (``FeatureSettings/cooccurrenceTypeWeights``).
    public var cooccurrenceTypeWeights = false
    /// Weight of each of the user's recent items in a ranking relative to the
    /// next more recent one: what the user did last says most about what comes next.
    public var cooccurrencePositionDecay = 0.8
    /// Successors kept per item (the `transitions` model and the hybrid's
    /// transitions signal; space-saving).
    public var transitionSuccessors = 100
    /// The user's last items whose successors are summed.
    public var transitionRecentItems = 3
    /// Half-life of `popularity-recent` and of the hybrid's recency signal: what
    /// is in demand in the last hours, as on a news site.
    public var recentPopularityHalfLifeHours = 1.0

    public enum NegativeSampling: String, Sendable, CaseIterable {
        /// Every known item equally likely.
        case uniform
        /// Items in proportion to how often they occurred (drawn from recent events).
        case popularity
    }

    public init() {}

    var negativeSamplingText: String {
        get { negativeSampling.rawValue }
        set { negativeSampling = NegativeSampling(rawValue: newValue) ?? negativeSampling }
    }

    var seedValue: Int {
        get { Int(truncatingIfNeeded: seed) }
        set { seed = UInt64(truncatingIfNeeded: newValue) }
    }
}
