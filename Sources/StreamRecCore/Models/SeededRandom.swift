import Foundation

/// Deterministic randomness for models: every draw is a pure function of the
/// model's seed and what it is for (an entity, an event offset), so replaying the
/// same events gives bit-identical state however the work is scheduled.
public struct SeededRandom: Sendable, RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64, stream: UInt64 = 0, index: UInt64 = 0) {
        state = SeededRandom.mix(
            seed ^ SeededRandom.mix(stream &+ 0x9E37_79B9_7F4A_7C15) ^ SeededRandom.mix(index &* 0xD1B5_4A32_D192_ED03))
    }

    /// SplitMix64's finalizer: a bijective scramble of 64 bits.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// A uniform value in [0, 1).
    public mutating func unit() -> Float {
        Float(next() >> 40) / Float(1 << 24)
    }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = max(unit(), 1e-7)
        let u2 = unit()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}
