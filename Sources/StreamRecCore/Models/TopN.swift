/// Exact top-N over every row of an item factor matrix: a SIMD dot product per
/// contiguous row, a bounded min-heap of the best N, and exclusion by walking a
/// sorted list of excluded rows alongside the scan (no hashing per item).
public enum TopN {
    /// A row and its score.
    public struct Entry: Sendable, Equatable {
        public var row: Int32
        public var score: Float
    }

    /// The `count` best rows by `user · item + bias[item]`, best first (in no
    /// particular order when not `sorted`); ties go to the lower row. `excluded`
    /// must be sorted ascending.
    public static func rank(
        user: UnsafePointer<Float>, items: FactorMatrix, bias: [Float]? = nil, count: Int, excluded: [Int32] = [],
        sorted: Bool = true
    ) -> [Entry] {
        select(count: count, rows: items.rows, sorted: sorted) { offer in
            scan(user: user, items: items, bias: bias, excluded: excluded, offer)
        }
    }

    /// The `count` best of the entries `scan` offers (at most `rows`), best first or
    /// in no particular order.
    ///
    /// A heap pays a sift for every entry that enters it, about count · ln(rows /
    /// count) of them; when the list is a sizable part of the rows (the hybrid's
    /// 200 candidates of a few thousand items), keeping every entry and selecting
    /// in place is cheaper.
    @inline(__always)
    static func select(count: Int, rows: Int, sorted: Bool, _ scan: ((Entry) -> Void) -> Void) -> [Entry] {
        guard count > 0 else { return [] }
        if count * selectionRatio >= rows {
            var entries: [Entry] = []
            entries.reserveCapacity(rows)
            scan { entries.append($0) }
            return best(&entries, count: count, sorted: sorted)
        }
        var heap = BoundedHeap(capacity: count)
        scan { heap.offer($0) }
        return sorted ? heap.sortedDescending() : heap.unordered
    }

    /// Lists at least 1/`selectionRatio` of the rows are selected in place rather than by heap.
    static let selectionRatio = 16

    /// The `count` best of `entries` (higher score, then lower row), best first or
    /// in no particular order; `entries` is reordered.
    private static func best(_ entries: inout [Entry], count: Int, sorted: Bool) -> [Entry] {
        keepBest(&entries, limit: count, by: ranksAbove)
        if sorted { entries.sort(by: ranksAbove) }
        return entries
    }

    @inline(__always)
    static func ranksAbove(_ a: Entry, _ b: Entry) -> Bool {
        a.score > b.score || (a.score == b.score && a.row < b.row)
    }

    /// Every row's score but the excluded ones, in row order.
    @inline(__always)
    private static func scan(
        user: UnsafePointer<Float>, items: FactorMatrix, bias: [Float]?, excluded: [Int32],
        _ body: (Entry) -> Void
    ) {
        let stride = items.stride
        items.values.withUnsafeBufferPointer { values in
            guard let base = values.baseAddress else { return }
            var skip = 0
            for row in 0..<items.rows {
                if skip < excluded.count, excluded[skip] == Int32(row) {
                    skip += 1
                    continue
                }
                while skip < excluded.count, excluded[skip] < Int32(row) { skip += 1 }
                var score = FactorMatrix.dot(user, base + row * stride, stride: stride)
                if let bias { score += bias[row] }
                body(Entry(row: Int32(row), score: score))
            }
        }
    }
}

/// The N best entries seen, as a min-heap on score (lowest at the root).
struct BoundedHeap {
    private var entries: [TopN.Entry] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    /// Whether `a` ranks below `b`: lower score, or equal score and higher row.
    @inline(__always)
    private static func worse(_ a: TopN.Entry, _ b: TopN.Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.row > b.row)
    }

    @inline(__always)
    mutating func offer(_ entry: TopN.Entry) {
        if entries.count < capacity {
            entries.append(entry)
            var child = entries.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.worse(entries[child], entries[parent]) else { break }
                entries.swapAt(child, parent)
                child = parent
            }
        } else if Self.worse(entries[0], entry) {
            entries[0] = entry
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < entries.count, Self.worse(entries[left], entries[smallest]) { smallest = left }
                if right < entries.count, Self.worse(entries[right], entries[smallest]) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// The entries kept, in heap order.
    var unordered: [TopN.Entry] { entries }

    func sortedDescending() -> [TopN.Entry] {
        entries.sorted { Self.worse($1, $0) }
    }
}
