/// A model whose ranking is its factors' ranking (`LatentFactors.rank`), so that
/// the hybrid, with such a model as its base, can rank it by row.
protocol FactorRanked {
    var state: LatentFactors { get }
    /// Whether its scores add the item bias.
    var ranksWithBias: Bool { get }
}

extension OnlineBPR: FactorRanked {
    var ranksWithBias: Bool { true }
}

extension BiasedMF: FactorRanked {
    var ranksWithBias: Bool { true }
}

extension ISGD: FactorRanked {
    var ranksWithBias: Bool { false }
}
