/// Latent factors of one side (users or items): one contiguous `[Float]`, a row
/// per entity, each row padded to a multiple of 8 so that dot products run in
/// SIMD8 lanes. Rows are appended as entities appear; the array grows
/// geometrically, so adding an entity does not copy all the others each time.
public struct FactorMatrix: Sendable, Equatable {
    public let factors: Int
    /// Floats per row: `factors` rounded up to a multiple of 8; the padding stays 0.
    public let stride: Int
    public private(set) var values: [Float] = []

    public init(factors: Int) {
        self.factors = factors
        stride = (factors + 7) / 8 * 8
    }

    public var rows: Int { values.count / max(stride, 1) }

    /// Appends a row initialised from `random` with standard deviation `scale`.
    public mutating func appendRow(scale: Float, random: inout SeededRandom) {
        // No reserveCapacity here: reserving exactly one more row each time would
        // defeat the array's geometric growth and copy every row on every add.
        for _ in 0..<factors { values.append(random.normal() * scale) }
        for _ in factors..<stride { values.append(0) }
    }

    /// Sets row `index` (appending rows up to it as needed) to `factors` values.
    public mutating func setRow(_ index: Int, to row: some Collection<Float>) {
        precondition(row.count == factors, "a row has \(factors) factors")
        if rows <= index { values += repeatElement(0, count: (index + 1 - rows) * stride) }
        values.replaceSubrange((index * stride)..<(index * stride + factors), with: row)
    }

    /// The `factors` values of row `row`.
    public func row(_ row: Int) -> ArraySlice<Float> { values[(row * stride)..<(row * stride + factors)] }

    /// `a · b` over two rows of SIMD8 lanes.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, stride: Int) -> Float {
        var sum = SIMD8<Float>()
        var offset = 0
        while offset < stride {
            sum +=
                UnsafeRawPointer(a + offset).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + offset).loadUnaligned(as: SIMD8<Float>.self)
            offset += 8
        }
        return sum.sum()
    }

    public func dot(row: Int, with other: FactorMatrix, row otherRow: Int) -> Float {
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                Self.dot(a.baseAddress! + row * stride, b.baseAddress! + otherRow * stride, stride: stride)
            }
        }
    }

    /// Mutable access to the values, for the learning updates.
    public mutating func withRows<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    init(factors: Int, values: [Float]) throws(StreamRecError) {
        self.init(factors: factors)
        guard stride > 0, values.count % stride == 0 else {
            throw StreamRecError.snapshot("inconsistent snapshot: \(values.count) factor values for rows of \(stride)")
        }
        self.values = values
    }
}
