/// Scores summed per item row for one ranking, with some rows excluded: an
/// open-addressing table sized for the rows expected, with a multiplicative hash.
///
/// A refresh sums about a thousand neighbour scores; the standard `Dictionary`
/// and `Set` hash every `Int32` with seeded SipHash, which was a visible share of
/// co-occurrence ranking. An excluded row holds −∞, which no sum changes.
struct RowScores {
    private var rows: [Int32]  // −1: empty
    private var scores: [Double]
    private var mask: Int
    private var used = 0

    /// Room for `expected` distinct rows without growing.
    init(expected: Int) {
        var size = 16
        while size < 2 * expected { size *= 2 }
        rows = Array(repeating: -1, count: size)
        scores = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Adds `score` to the row's sum (an excluded row stays excluded).
    @inline(__always)
    mutating func add(_ row: Int32, _ score: Double) {
        let slot = find(row)
        if rows[slot] < 0 {
            rows[slot] = row
            scores[slot] = score
            used += 1
            if 2 * used > rows.count { grow() }
        } else {
            scores[slot] += score
        }
    }

    /// Keeps the row out of ``summed``, whatever is added to it.
    mutating func exclude(_ row: Int32) {
        let slot = find(row)
        if rows[slot] < 0 {
            rows[slot] = row
            used += 1
        }
        scores[slot] = -.infinity
        if 2 * used > rows.count { grow() }
    }

    /// The rows with a sum, in no particular order.
    var summed: [(key: Int32, value: Double)] {
        var result: [(key: Int32, value: Double)] = []
        result.reserveCapacity(used)
        for slot in rows.indices where rows[slot] >= 0 && scores[slot] != -.infinity {
            result.append((rows[slot], scores[slot]))
        }
        return result
    }

    @inline(__always)
    private func find(_ row: Int32) -> Int {
        var slot = Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: row)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while rows[slot] >= 0, rows[slot] != row { slot = (slot + 1) & mask }
        return slot
    }

    private mutating func grow() {
        let old = (rows, scores)
        rows = Array(repeating: -1, count: old.0.count * 2)
        scores = Array(repeating: 0, count: old.0.count * 2)
        mask = rows.count - 1
        for slot in old.0.indices where old.0[slot] >= 0 {
            let target = find(old.0[slot])
            rows[target] = old.0[slot]
            scores[target] = old.1[slot]
        }
    }
}
