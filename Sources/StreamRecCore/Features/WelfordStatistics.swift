/// Running mean and variance (Welford, 1962), numerically stable and one pass:
/// the streaming equivalent of fitting a StandardScaler.
struct WelfordStatistics: Sendable, Equatable {
    private(set) var count: Int = 0
    private(set) var mean: Double = 0
    private var m2: Double = 0

    init() {}

    init(count: Int, mean: Double, m2: Double) {
        self.count = count
        self.mean = mean
        self.m2 = m2
    }

    mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
    }

    /// Population variance, as StandardScaler uses.
    var variance: Double { count > 0 ? m2 / Double(count) : 0 }
    var standardDeviation: Double { variance.squareRoot() }

    /// `(value − mean) / σ`, or 0 while σ is 0.
    func standardized(_ value: Double) -> Double {
        let sigma = standardDeviation
        return sigma > 0 ? (value - mean) / sigma : 0
    }

    var sumOfSquaredDeviations: Double { m2 }
}
