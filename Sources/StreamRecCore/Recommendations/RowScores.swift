/// Scores summed per item row for one ranking, with some rows excluded: rows and
/// sums in a dense list, found through an open-addressing index with a
/// multiplicative hash.
///
/// A refresh sums about a thousand neighbour scores; the standard `Dictionary`
/// and `Set` hash every `Int32` with seeded SipHash, which was a visible share of
/// co-occurrence ranking. An excluded row holds −∞, which no sum changes.
struct RowScores {
    private var entries: [(row: Int32, score: Double)] = []
    private var index: [Int32]  // a position in `entries`, or −1
    private var mask: Int

    /// Room for `expected` distinct rows without growing.
    init(expected: Int) {
        var size = 16
        while size < 2 * expected { size *= 2 }
        index = Array(repeating: -1, count: size)
        mask = size - 1
        entries.reserveCapacity(expected)
    }

    /// Adds `score` to the row's sum (an excluded row stays excluded).
    @inline(__always)
    mutating func add(_ row: Int32, _ score: Double) {
        let slot = find(row)
        if index[slot] >= 0 {
            entries[Int(index[slot])].score += score
        } else {
            insert(row, score, at: slot)
        }
    }

    /// Keeps the row out of ``summed``, whatever is added to it.
    mutating func exclude(_ row: Int32) {
        let slot = find(row)
        if index[slot] >= 0 {
            entries[Int(index[slot])].score = -.infinity
        } else {
            insert(row, -.infinity, at: slot)
        }
    }

    /// The row's position in the order rows were first added; a new row is added with sum 0.
    @inline(__always)
    mutating func position(of row: Int32) -> Int {
        let slot = find(row)
        if index[slot] >= 0 { return Int(index[slot]) }
        insert(row, 0, at: slot)
        return entries.count - 1
    }

    /// The row's position, if it was added.
    func existingPosition(of row: Int32) -> Int? {
        let slot = find(row)
        return index[slot] >= 0 ? Int(index[slot]) : nil
    }

    /// Every row added, in the order they were first added.
    var rows: [Int32] { entries.map(\.row) }

    /// The rows with a sum, in the order they were first added.
    var summed: [(key: Int32, value: Double)] {
        entries.compactMap { $0.score == -.infinity ? nil : ($0.row, $0.score) }
    }

    @inline(__always)
    private func find(_ row: Int32) -> Int {
        var slot = Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: row)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while index[slot] >= 0, entries[Int(index[slot])].row != row { slot = (slot + 1) & mask }
        return slot
    }

    private mutating func insert(_ row: Int32, _ score: Double, at slot: Int) {
        index[slot] = Int32(entries.count)
        entries.append((row, score))
        guard 2 * entries.count > index.count else { return }
        // Keep the index at most half full.
        index = Array(repeating: -1, count: index.count * 2)
        mask = index.count - 1
        for (position, entry) in entries.enumerated() { index[find(entry.row)] = Int32(position) }
    }
}
