/// The state every matrix-factorization model shares: interned users and items,
/// their factor rows and biases. New entities get a row on first sight, drawn
/// from the model seed and, for an item, its index, for a user, a hash of their
/// id: the same events always give the same initial factors, also when users
/// move out of memory and back (which reuses indices).
public struct LatentFactors: Sendable, Equatable {
    var users = IDInterner()
    var items = IDInterner()
    public var userFactors: FactorMatrix
    public var itemFactors: FactorMatrix
    public var userBias: [Float] = []
    public var itemBias: [Float] = []
    let seed: UInt64
    let initScale: Float

    public init(factors: Int, seed: UInt64, initScale: Double) {
        userFactors = FactorMatrix(factors: factors)
        itemFactors = FactorMatrix(factors: factors)
        self.seed = seed
        self.initScale = Float(initScale)
    }

    /// The user's row, added if new.
    public mutating func user(_ id: String) -> Int {
        let (index, isNew) = users.intern(id)
        if isNew {
            var random = SeededRandom(seed: seed, stream: 1, index: IDInterner.hash(id))
            userFactors.setRow(Int(index), to: (0..<userFactors.factors).map { _ in random.normal() * initScale })
            if userBias.count <= Int(index) { userBias += repeatElement(0, count: Int(index) + 1 - userBias.count) }
            userBias[Int(index)] = 0
        }
        return Int(index)
    }

    /// The item's row, added if new.
    public mutating func item(_ id: String) -> Int {
        Self.row(id, &items, &itemFactors, &itemBias, seed: seed, stream: 2, scale: initScale)
    }

    /// Gives each item of other instances' events a row, as learning them would:
    /// a hybrid blends signals over the items every signal knows.
    public mutating func addItems(of events: [SharedItemEvent]) {
        for event in events { _ = item(event.itemID) }
    }

    /// Interns `id` on one side and gives a new entity its row, drawn from
    /// (seed, side, row index).
    private static func row(
        _ id: String, _ interner: inout IDInterner, _ factors: inout FactorMatrix, _ bias: inout [Float],
        seed: UInt64, stream: UInt64, scale: Float
    ) -> Int {
        let (index, _) = interner.intern(id)
        while factors.rows <= Int(index) {
            var random = SeededRandom(seed: seed, stream: stream, index: UInt64(factors.rows))
            factors.appendRow(scale: scale, random: &random)
            bias.append(0)
        }
        return Int(index)
    }

    /// Top items for a known user by `user · item (+ item bias)`, excluding item
    /// ids; best first, or in no particular order when not `sorted`.
    public func rank(
        user id: String, count: Int, excluding excluded: Set<String>, withBias: Bool, sorted: Bool = true
    ) -> [ScoredItem] {
        let skipped = excluded.compactMap { items.index(of: $0) }.sorted()
        let entries = rankRows(user: id, count: count, excludingRows: skipped, withBias: withBias, sorted: sorted)
        return entries.map { ScoredItem(itemID: items.id(at: $0.row), score: Double($0.score), events: 0) }
    }

    /// ``rank(user:count:excluding:withBias:sorted:)`` by item row: `skipped` are
    /// rows of `items`, ascending. Empty for an unknown user.
    func rankRows(
        user id: String, count: Int, excludingRows skipped: [Int32], withBias: Bool, sorted: Bool
    ) -> [TopN.Entry] {
        guard let user = users.index(of: id) else { return [] }
        return userFactors.values.withUnsafeBufferPointer { values in
            TopN.rank(
                user: values.baseAddress! + Int(user) * userFactors.stride, items: itemFactors,
                bias: withBias ? itemBias : nil, count: count, excluded: skipped, sorted: sorted)
        }
    }
}

/// The SGD step shared by the factor models: moves `target` along `direction`
/// (scaled by `gradient`) with L2 shrinkage, over one padded row.
@inline(__always)
func sgdStep(
    _ target: UnsafeMutablePointer<Float>, toward direction: UnsafePointer<Float>, gradient: Float,
    learningRate: Float, regularization: Float, stride: Int
) {
    var offset = 0
    let g = SIMD8<Float>(repeating: gradient), lr = SIMD8<Float>(repeating: learningRate)
    let reg = SIMD8<Float>(repeating: regularization)
    while offset < stride {
        let t = UnsafeRawPointer(target + offset).loadUnaligned(as: SIMD8<Float>.self)
        let d = UnsafeRawPointer(direction + offset).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(target + offset).storeBytes(of: t + lr * (g * d - reg * t), as: SIMD8<Float>.self)
        offset += 8
    }
}

/// The paired squared-error step of ISGD and biased MF, fused into one pass:
/// `p += η (e q − λ p)` and `q += η (e p − λ q)`, both from the old values.
@inline(__always)
func sgdPairStep(
    _ p: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, error: Float,
    learningRate: Float, regularization: Float, stride: Int
) {
    var offset = 0
    let e = SIMD8<Float>(repeating: error), lr = SIMD8<Float>(repeating: learningRate)
    let reg = SIMD8<Float>(repeating: regularization)
    while offset < stride {
        let pv = UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
        let qv = UnsafeRawPointer(q + offset).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(p + offset).storeBytes(of: pv + lr * (e * qv - reg * pv), as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(q + offset).storeBytes(of: qv + lr * (e * pv - reg * qv), as: SIMD8<Float>.self)
        offset += 8
    }
}

extension LatentFactors {
    /// Items most alike `item` by cosine similarity of their factor rows, best first.
    /// Empty for an unknown item.
    public func similarItems(to id: String, count: Int) -> [ScoredItem] {
        guard let item = items.index(of: id) else { return [] }
        let stride = itemFactors.stride
        return itemFactors.values.withUnsafeBufferPointer { values -> [ScoredItem] in
            let base = values.baseAddress!
            let norms = (0..<itemFactors.rows).map {
                FactorMatrix.dot(base + $0 * stride, base + $0 * stride, stride: stride).squareRoot()
            }
            let own = base + Int(item) * stride
            var heap = BoundedHeap(capacity: max(count, 1))
            for row in 0..<itemFactors.rows where row != Int(item) && norms[row] > 0 && norms[Int(item)] > 0 {
                let cosine =
                    FactorMatrix.dot(own, base + row * stride, stride: stride) / (norms[row] * norms[Int(item)])
                heap.offer(TopN.Entry(row: Int32(row), score: cosine))
            }
            return heap.sortedDescending().prefix(count).map {
                ScoredItem(itemID: items.id(at: $0.row), score: Double($0.score), events: 0)
            }
        }
    }
}
