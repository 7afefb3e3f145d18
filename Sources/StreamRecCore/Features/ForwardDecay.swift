import Foundation

/// Exponential time decay by forward decay (Cormode et al., 2009): each
/// contribution `w` at time `t` is stored as `w · 2^((t − L)/h)` against a shared
/// landmark `L`, and a sum is read at time `T` as `stored · 2^(−(T − L)/h)`.
///
/// Sums stay exact whatever order events arrive in, and nothing is rewritten as
/// time passes; only when the exponents grow large does the owner move the
/// landmark and rescale what it stores (``needsRenormalization(at:)``).
struct ForwardDecay: Sendable, Equatable {
    let halfLifeMilliseconds: Double
    private(set) var landmark: Int64

    init(halfLifeHours: Double, landmark: Int64 = 0) {
        halfLifeMilliseconds = halfLifeHours * 3_600_000
        self.landmark = landmark
    }

    /// The multiplier `2^((time − L)/h)` that turns a weight at `time` into what
    /// is stored (`weight · factor`): compute it once per event for every sum of
    /// this half-life.
    @inline(__always)
    func factor(at time: Int64) -> Double {
        exp2(Double(time - landmark) / halfLifeMilliseconds)
    }

    /// A stored sum read at time `time`.
    @inline(__always)
    func value(_ stored: Double, at time: Int64) -> Double {
        stored * exp2(-Double(time - landmark) / halfLifeMilliseconds)
    }

    /// Whether `time` is far enough past the landmark (2^400) that stored values
    /// should be rescaled before Double's range (2^1023) is near.
    func needsRenormalization(at time: Int64) -> Bool {
        Double(time - landmark) / halfLifeMilliseconds > 400
    }

    /// Moves the landmark to `time`; returns the factor every stored value must be multiplied by.
    mutating func moveLandmark(to time: Int64) -> Double {
        let factor = exp2(-Double(time - landmark) / halfLifeMilliseconds)
        landmark = time
        return factor
    }

    /// A sum stored against another landmark (of an exported user), stored against this one.
    func rescale(_ stored: Double, from landmark: Int64) -> Double {
        stored * exp2(Double(landmark - self.landmark) / halfLifeMilliseconds)
    }
}
