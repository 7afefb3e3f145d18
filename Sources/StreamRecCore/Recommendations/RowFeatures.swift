/// Per item row, one value per signal (0 where a signal has none), for blending
/// a ranking's signals by row: the rows are found as ``RowScores`` finds them.
struct RowFeatures {
    static let signals = 6
    private var positions: RowScores
    /// Each row's values, one row after another in the order rows were first set.
    private(set) var values: [Double] = []

    init(expected: Int) {
        positions = RowScores(expected: expected)
        values.reserveCapacity(expected * Self.signals)
    }

    @inline(__always)
    mutating func set(_ row: Int32, _ signal: Int, _ value: Double) {
        let position = positions.position(of: row)
        if position * Self.signals == values.count { values += repeatElement(0, count: Self.signals) }
        values[position * Self.signals + signal] = value
    }

    /// Where the row's values start in ``values``, if it has any.
    func start(of row: Int32) -> Int? { positions.existingPosition(of: row).map { $0 * Self.signals } }

    /// Each row's weighted sum, the signals added in order and those of weight 0
    /// left out, as ``HybridRecommender/recommendByID(for:count:excluding:)`` sums.
    func blended(_ weights: [Double]) -> [(key: Int32, value: Double)] {
        positions.rows.enumerated().map { position, row in
            var score = 0.0
            for s in 0..<Self.signals where weights[s] != 0 {
                score += weights[s] * values[position * Self.signals + s]
            }
            return (row, score)
        }
    }
}
