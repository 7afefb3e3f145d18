/// Per-item state in flat arrays indexed by the item's interned index, with the
/// scalars every event updates in one record, and each item's bounded
/// co-occurrence neighbour table.
struct ItemFeatureTable: Sendable, Equatable {
    /// The hot scalars of one item.
    struct Record: Sendable, Equatable, BitwiseCopyable {
        var popularity: Double = 0  // forward-decayed weight, popularity half-life
        var trending: Double = 0  // forward-decayed weight, trending half-life
        var occurrences: Double = 0  // forward-decayed event count, co-occurrence half-life
        var lastSeen: Int64 = .min
        var distinctUsers: UInt32 = 0
        var category: Int32 = -1  // -1: none
        var neighbourCount: UInt16 = 0
        // No padding (snapshots copy records as raw bytes; see UserFeatureTable.Record.spare).
        var spare16: UInt16 = 0
        var spare32: UInt32 = 0
    }

    let typeCount: Int
    let attributeCount: Int
    let neighbourCapacity: Int

    var records: [Record] = []
    var counts: [UInt32] = []  // item * typeCount + type
    var attributes: [Double] = []  // item * attributeCount + a; NaN: never seen
    var neighbourItems: [Int32] = []  // item * neighbourCapacity + k: scanned, so kept apart
    var neighbourWeights: [Double] = []  // forward-decayed co-occurrence
    /// Weight an entry inherited when it replaced another: `weight − error` is a
    /// lower bound of its true co-occurrence (0 for entries never replaced).
    var neighbourErrors: [Double] = []

    init(typeCount: Int, attributeCount: Int, settings: FeatureSettings) {
        self.typeCount = typeCount
        self.attributeCount = attributeCount
        neighbourCapacity = settings.cooccurrence ? settings.neighbourCapacity : 0
    }

    var slots: Int { records.count }

    /// Makes room for index `item`. Items are never removed, so new slots are empty.
    mutating func ensure(_ item: Int32) {
        let i = Int(item)
        guard i >= slots else { return }
        let grow = max(i + 1, slots * 3 / 2, 64) - slots
        records += repeatElement(Record(), count: grow)
        counts += repeatElement(0, count: grow * typeCount)
        attributes += repeatElement(.nan, count: grow * attributeCount)
        neighbourItems += repeatElement(-1, count: grow * neighbourCapacity)
        neighbourWeights += repeatElement(0, count: grow * neighbourCapacity)
        neighbourErrors += repeatElement(0, count: grow * neighbourCapacity)
    }

    /// Adds co-occurrence weight from `item` to `neighbour`. When the table is full
    /// the weakest entry is replaced and the newcomer inherits its weight
    /// (space-saving, Metwally et al. 2005): the heavy neighbours are never lost.
    mutating func addNeighbour(_ item: Int32, _ neighbour: Int32, stored weight: Double) {
        let base = Int(item) * neighbourCapacity
        let count = Int(records[Int(item)].neighbourCount)
        let found = neighbourItems.withUnsafeBufferPointer { items in
            UnsafeBufferPointer(rebasing: items[base..<(base + count)]).firstIndexSIMD(of: neighbour)
        }
        if let found {
            neighbourWeights[base + found] += weight
            return
        }
        if count < neighbourCapacity {
            neighbourItems[base + count] = neighbour
            neighbourWeights[base + count] = weight
            neighbourErrors[base + count] = 0
            records[Int(item)].neighbourCount = UInt16(count + 1)
            return
        }
        let weakest = neighbourWeights.withUnsafeBufferPointer { weights in
            UnsafeBufferPointer(rebasing: weights[base..<(base + count)]).firstIndexOfMinimum()
        }
        neighbourItems[base + weakest] = neighbour
        neighbourErrors[base + weakest] = neighbourWeights[base + weakest]
        neighbourWeights[base + weakest] += weight
    }

    /// Field by field, with attributes compared by bit pattern: NaN marks "never
    /// seen", and NaN is not equal to itself.
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.typeCount == rhs.typeCount && lhs.attributeCount == rhs.attributeCount && lhs.neighbourCapacity == rhs.neighbourCapacity
            && lhs.records == rhs.records && lhs.counts == rhs.counts
            && lhs.attributes.map(\.bitPattern) == rhs.attributes.map(\.bitPattern)
            && lhs.neighbourItems == rhs.neighbourItems && lhs.neighbourWeights == rhs.neighbourWeights
            && lhs.neighbourErrors == rhs.neighbourErrors
    }
}

extension UnsafeBufferPointer where Element == Int32 {
    /// The first index of `value`, comparing eight at a time.
    @inline(__always)
    func firstIndexSIMD(of value: Int32) -> Int? {
        guard let base = baseAddress else { return nil }
        var index = 0
        let needle = SIMD8<Int32>(repeating: value)
        while index + 8 <= count {
            let lanes = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Int32>.self)
            if any(lanes .== needle) { break }
            index += 8
        }
        while index < count {
            if base[index] == value { return index }
            index += 1
        }
        return nil
    }
}

extension UnsafeBufferPointer where Element == Double {
    /// The index of the first smallest element (not empty, no NaN), in one
    /// branch-free pass: four lanes each keep their smallest value and where it
    /// was (strictly smaller replaces, so each lane keeps its first), then the
    /// lanes are merged, ties to the lower index. Every replacement in a full
    /// neighbour table scans it.
    @inline(__always)
    func firstIndexOfMinimum() -> Int {
        let base = baseAddress!
        var index = 0
        if count >= 4 {
            var smallest = UnsafeRawPointer(base).loadUnaligned(as: SIMD4<Double>.self)
            var position = SIMD4<Int64>(0, 1, 2, 3)
            var candidate = position
            index = 4
            while index + 4 <= count {
                candidate &+= 4
                let values = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD4<Double>.self)
                let smaller = values .< smallest
                smallest.replace(with: values, where: smaller)
                position.replace(with: candidate, where: smaller)
                index += 4
            }
            var best = smallest[0], at = Int(position[0])
            for lane in 1..<4 where smallest[lane] < best || (smallest[lane] == best && Int(position[lane]) < at) {
                best = smallest[lane]
                at = Int(position[lane])
            }
            while index < count {
                if base[index] < best {
                    best = base[index]
                    at = index
                }
                index += 1
            }
            return at
        }
        var at = 0
        for k in 1..<count where base[k] < base[at] { at = k }
        return at
    }
}
