/// Running mean and variance (Welford, 1962), numerically stable and one pass:
/// the streaming equivalent of fitting a StandardScaler.
public struct WelfordStatistics: Sendable, Equatable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    private var m2: Double = 0

    public init() {}

    init(count: Int, mean: Double, m2: Double) {
        self.count = count
        self.mean = mean
        self.m2 = m2
    }

    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
    }

    /// Population variance, as StandardScaler uses.
    public var variance: Double { count > 0 ? m2 / Double(count) : 0 }
    public var standardDeviation: Double { variance.squareRoot() }

    /// `(value − mean) / σ`, or 0 while σ is 0.
    public func standardized(_ value: Double) -> Double {
        let sigma = standardDeviation
        return sigma > 0 ? (value - mean) / sigma : 0
    }

    var sumOfSquaredDeviations: Double { m2 }
}
