/// Per-item state as struct-of-arrays, indexed by the item's interned index,
/// including each item's bounded co-occurrence neighbour table.
struct ItemFeatureTable: Sendable, Equatable {
    let typeCount: Int
    let attributeCount: Int
    let neighbourCapacity: Int

    var counts: [UInt32] = []  // item * typeCount + type
    var popularity: [Double] = []  // forward-decayed weight, popularity half-life
    var trending: [Double] = []  // forward-decayed weight, trending half-life
    var occurrences: [Double] = []  // forward-decayed event count, popularity half-life
    var distinctUsers: [UInt32] = []
    var lastSeen: [Int64] = []
    var category: [Int32] = []  // -1: none
    var attributes: [Double] = []  // item * attributeCount + a; NaN: never seen
    var neighbourItems: [Int32] = []  // item * neighbourCapacity + k
    var neighbourWeights: [Double] = []  // forward-decayed co-occurrence, popularity half-life
    /// Weight an entry inherited when it replaced another: `weight − error` is a
    /// lower bound of its true co-occurrence (0 for entries never replaced).
    var neighbourErrors: [Double] = []
    var neighbourCount: [UInt16] = []

    init(typeCount: Int, attributeCount: Int, settings: FeatureSettings) {
        self.typeCount = typeCount
        self.attributeCount = attributeCount
        neighbourCapacity = settings.cooccurrence ? settings.neighbourCapacity : 0
    }

    var slots: Int { popularity.count }

    /// Makes room for index `item`. Items are never removed, so new slots are empty.
    mutating func ensure(_ item: Int32) {
        let i = Int(item)
        guard i >= slots else { return }
        let grow = max(i + 1, slots * 3 / 2, 64) - slots
        counts += repeatElement(0, count: grow * typeCount)
        popularity += repeatElement(0, count: grow)
        trending += repeatElement(0, count: grow)
        occurrences += repeatElement(0, count: grow)
        distinctUsers += repeatElement(0, count: grow)
        lastSeen += repeatElement(.min, count: grow)
        category += repeatElement(-1, count: grow)
        attributes += repeatElement(.nan, count: grow * attributeCount)
        neighbourItems += repeatElement(-1, count: grow * neighbourCapacity)
        neighbourWeights += repeatElement(0, count: grow * neighbourCapacity)
        neighbourErrors += repeatElement(0, count: grow * neighbourCapacity)
        neighbourCount += repeatElement(0, count: grow)
    }

    /// Adds co-occurrence weight from `item` to `neighbour`. When the table is full
    /// the weakest entry is replaced and the newcomer inherits its weight
    /// (space-saving, Metwally et al. 2005): the heavy neighbours are never lost.
    mutating func addNeighbour(_ item: Int32, _ neighbour: Int32, stored weight: Double) {
        let base = Int(item) * neighbourCapacity
        let count = Int(neighbourCount[Int(item)])
        let found = neighbourItems.withUnsafeBufferPointer { items -> Int in
            let start = items.baseAddress! + base
            for k in 0..<count where start[k] == neighbour { return k }
            return -1
        }
        if found >= 0 {
            neighbourWeights[base + found] += weight
            return
        }
        if count < neighbourCapacity {
            neighbourItems[base + count] = neighbour
            neighbourWeights[base + count] = weight
            neighbourErrors[base + count] = 0
            neighbourCount[Int(item)] = UInt16(count + 1)
            return
        }
        let weakest = neighbourWeights.withUnsafeBufferPointer { weights -> Int in
            let start = weights.baseAddress! + base
            var weakest = 0
            for k in 1..<count where start[k] < start[weakest] { weakest = k }
            return weakest
        }
        neighbourItems[base + weakest] = neighbour
        neighbourErrors[base + weakest] = neighbourWeights[base + weakest]
        neighbourWeights[base + weakest] += weight
    }
}

extension ItemFeatureTable {
    /// Field by field, with attributes compared by bit pattern: NaN marks "never
    /// seen", and NaN is not equal to itself.
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.typeCount == rhs.typeCount && lhs.attributeCount == rhs.attributeCount && lhs.neighbourCapacity == rhs.neighbourCapacity
            && lhs.counts == rhs.counts && lhs.popularity == rhs.popularity && lhs.trending == rhs.trending
            && lhs.occurrences == rhs.occurrences && lhs.distinctUsers == rhs.distinctUsers && lhs.lastSeen == rhs.lastSeen
            && lhs.category == rhs.category && lhs.attributes.map(\.bitPattern) == rhs.attributes.map(\.bitPattern)
            && lhs.neighbourItems == rhs.neighbourItems && lhs.neighbourWeights == rhs.neighbourWeights
            && lhs.neighbourErrors == rhs.neighbourErrors
            && lhs.neighbourCount == rhs.neighbourCount
    }
}
