import Foundation

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
        var successorCount: UInt16 = 0
        // No padding (snapshots copy records as raw bytes; see UserFeatureTable.Record.spare).
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
    /// The items that followed each item in users' histories, in tables like the
    /// neighbours' (space-saving), directed: item * successorCapacity + k.
    let successorCapacity: Int
    var successorItems: [Int32] = []
    var successorWeights: [Double] = []
    var successorErrors: [Double] = []
    /// The smallest weight of each block of ``NeighbourTable/block`` entries of
    /// every neighbour and successor table: a full table replaces its weakest
    /// entry reading these and one block instead of every weight. Derived from
    /// the weights, never in a snapshot (``rebuildMinima()``).
    var neighbourMinima: [Double] = []
    var successorMinima: [Double] = []
    /// `occurrences^−damping` per item (0 for none), derived from the records and
    /// kept beside them: a ranking reads it for every neighbour it scores, and a
    /// dense array of it stays in cache where the records do not.
    var occurrenceScales: [Double] = []
    /// ``FeatureSettings/cooccurrenceDamping``.
    let damping: Double

    init(typeCount: Int, attributeCount: Int, settings: FeatureSettings) {
        self.typeCount = typeCount
        self.attributeCount = attributeCount
        neighbourCapacity = settings.cooccurrence ? settings.neighbourCapacity : 0
        successorCapacity = settings.cooccurrence ? settings.successorCapacity : 0
        damping = settings.cooccurrenceDamping
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
        successorItems += repeatElement(-1, count: grow * successorCapacity)
        successorWeights += repeatElement(0, count: grow * successorCapacity)
        successorErrors += repeatElement(0, count: grow * successorCapacity)
        neighbourMinima += repeatElement(0, count: grow * NeighbourTable.blocks(neighbourCapacity))
        successorMinima += repeatElement(0, count: grow * NeighbourTable.blocks(successorCapacity))
        occurrenceScales += repeatElement(0, count: grow)
    }

    /// Recomputes ``occurrenceScales`` from the records (after they are rescaled or restored).
    mutating func rescaleOccurrences() {
        occurrenceScales = records.map { scale($0.occurrences) }
    }

    /// Recomputes ``neighbourMinima`` and ``successorMinima`` from the weights
    /// (after they are rescaled or restored).
    mutating func rebuildMinima() {
        func rebuild(_ minima: inout [Double], _ weights: [Double], capacity: Int, count: (Record) -> UInt16) {
            let blocks = NeighbourTable.blocks(capacity)
            minima = Array(repeating: 0, count: records.count * blocks)
            for item in records.indices {
                let base = item * capacity, filled = Int(count(records[item]))
                for b in 0..<blocks where b * NeighbourTable.block < filled {
                    let start = base + b * NeighbourTable.block
                    minima[item * blocks + b] = weights[start..<(base + min(filled, (b + 1) * NeighbourTable.block))]
                        .min()!
                }
            }
        }
        rebuild(&neighbourMinima, neighbourWeights, capacity: neighbourCapacity) { $0.neighbourCount }
        rebuild(&successorMinima, successorWeights, capacity: successorCapacity) { $0.successorCount }
    }

    /// The factor a candidate's co-occurrence score is divided by its occurrences with.
    @inline(__always)
    func scale(_ occurrences: Double) -> Double {
        guard occurrences > 0 else { return 0 }
        return damping == 0.5 ? 1 / occurrences.squareRoot() : pow(occurrences, -damping)
    }

    /// The factor for the item a score is read from: its occurrences to the
    /// complement of ``damping``, so that both decays cancel in the product.
    @inline(__always)
    func ownScale(_ item: Int32) -> Double {
        let occurrences = records[Int(item)].occurrences
        guard occurrences > 0 else { return 0 }
        return damping == 0.5 ? occurrenceScales[Int(item)] : pow(occurrences, damping - 1)
    }

    /// Adds transition weight from `item` to the item that followed it.
    mutating func addSuccessor(_ item: Int32, _ successor: Int32, stored weight: Double) {
        let capacity = successorCapacity
        guard capacity > 0 else { return }
        let base = Int(item) * capacity
        records.withUnsafeMutableBufferPointer { records in
            successorItems.withUnsafeMutableBufferPointer { ids in
                successorWeights.withUnsafeMutableBufferPointer { weights in
                    successorErrors.withUnsafeMutableBufferPointer { errors in
                        successorMinima.withUnsafeMutableBufferPointer { minima in
                            var table = NeighbourTable(
                                ids: ids.baseAddress! + base, weights: weights.baseAddress! + base,
                                errors: errors.baseAddress! + base,
                                minima: minima.baseAddress! + Int(item) * NeighbourTable.blocks(capacity),
                                count: Int(records[Int(item)].successorCount), capacity: capacity)
                            table.add(successor, weight)
                            records[Int(item)].successorCount = UInt16(table.count)
                        }
                    }
                }
            }
        }
    }

    /// Adds co-occurrence weight from `item` to `neighbour`. When the table is full
    /// the weakest entry is replaced and the newcomer inherits its weight
    /// (space-saving, Metwally et al. 2005): the heavy neighbours are never lost.
    mutating func addNeighbour(_ item: Int32, _ neighbour: Int32, stored weight: Double) {
        withNeighbourStorage { storage in
            storage.withTable(of: item) { table in table.add(neighbour, weight) }
        }
    }

    /// Every item's neighbour table through raw pointers, so that threads can
    /// update the tables of disjoint sets of items at once.
    mutating func withNeighbourStorage<Result>(_ body: (NeighbourStorage) -> Result) -> Result {
        let capacity = neighbourCapacity
        return records.withUnsafeMutableBufferPointer { records in
            neighbourItems.withUnsafeMutableBufferPointer { ids in
                neighbourWeights.withUnsafeMutableBufferPointer { weights in
                    neighbourErrors.withUnsafeMutableBufferPointer { errors in
                        neighbourMinima.withUnsafeMutableBufferPointer { minima in
                            body(
                                NeighbourStorage(
                                    records: records.baseAddress!, ids: ids.baseAddress, weights: weights.baseAddress,
                                    errors: errors.baseAddress, minima: minima.baseAddress, capacity: capacity))
                        }
                    }
                }
            }
        }
    }

    /// Field by field, with attributes compared by bit pattern: NaN marks "never
    /// seen", and NaN is not equal to itself.
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.typeCount == rhs.typeCount && lhs.attributeCount == rhs.attributeCount
            && lhs.neighbourCapacity == rhs.neighbourCapacity
            && lhs.records == rhs.records && lhs.counts == rhs.counts
            && lhs.attributes.map(\.bitPattern) == rhs.attributes.map(\.bitPattern)
            && lhs.neighbourItems == rhs.neighbourItems && lhs.neighbourWeights == rhs.neighbourWeights
            && lhs.neighbourErrors == rhs.neighbourErrors && lhs.successorCapacity == rhs.successorCapacity
            && lhs.successorItems == rhs.successorItems && lhs.successorWeights == rhs.successorWeights
            && lhs.successorErrors == rhs.successorErrors
    }
}

/// The neighbour tables of ``ItemFeatureTable`` in place. Each item's table (and
/// its record's count) is its own memory: threads may update the tables of
/// different items at once, never the same item's (``UnsafeTransfer`` carries it
/// to them).
struct NeighbourStorage {
    let records: UnsafeMutablePointer<ItemFeatureTable.Record>
    let ids: UnsafeMutablePointer<Int32>?
    let weights: UnsafeMutablePointer<Double>?
    let errors: UnsafeMutablePointer<Double>?
    let minima: UnsafeMutablePointer<Double>?
    let capacity: Int

    /// One item's table; its count is written back once.
    @inline(__always)
    func withTable(of item: Int32, _ body: (inout NeighbourTable) -> Void) {
        let base = Int(item) * capacity
        var table = NeighbourTable(
            ids: ids! + base, weights: weights! + base, errors: errors! + base,
            minima: minima! + Int(item) * NeighbourTable.blocks(capacity),
            count: Int(records[Int(item)].neighbourCount),
            capacity: capacity)
        body(&table)
        records[Int(item)].neighbourCount = UInt16(table.count)
    }

    /// ``ItemFeatureTable/addNeighbour(_:_:stored:)`` for each update in order, all
    /// of them `item`'s.
    ///
    /// `positions`, indexed by item row and -1 everywhere, lets a long group find
    /// each neighbour without scanning: the table's ids are entered into it first
    /// and removed again at the end.
    func addNeighbours(
        _ item: Int32, _ updates: UnsafeBufferPointer<NeighbourUpdateBatch.Update>,
        positions: UnsafeMutablePointer<Int32>
    ) {
        withTable(of: item) { table in
            // Entering and removing the ids costs two passes over the table, while
            // a scan compares eight ids at a time: the map pays off from about 16
            // updates. The hybrid's judged events cut batches into pieces of a
            // thousand events, whose groups are short.
            guard updates.count > 16 else {
                for update in updates { table.add(update.neighbour, update.weight) }
                return
            }
            for k in 0..<table.count { positions[Int(table.ids[k])] = Int32(k) }
            for update in updates { table.add(update.neighbour, update.weight, positions: positions) }
            for k in 0..<table.count { positions[Int(table.ids[k])] = -1 }
        }
    }
}

/// One item's candidates in place: the space-saving update over raw storage.
struct NeighbourTable {
    let ids: UnsafeMutablePointer<Int32>
    let weights: UnsafeMutablePointer<Double>
    let errors: UnsafeMutablePointer<Double>
    /// The smallest weight of each filled block of ``block`` entries.
    let minima: UnsafeMutablePointer<Double>
    var count: Int
    let capacity: Int

    /// Entries per block of ``minima``: two cache lines of weights.
    static let block = 16

    /// Blocks of a table of `capacity` entries.
    static func blocks(_ capacity: Int) -> Int { (capacity + block - 1) / block }

    /// Adds `weight` to `neighbour`'s entry, found by scanning.
    @inline(__always)
    mutating func add(_ neighbour: Int32, _ weight: Double) {
        if let found = UnsafeBufferPointer(start: ids, count: count).firstIndexSIMD(of: neighbour) {
            raise(found, by: weight)
        } else {
            _ = insert(neighbour, weight)
        }
    }

    /// ``add(_:_:)`` with the entry found through `positions` (item row → entry,
    /// -1 for none), which it keeps up to date. Ids in a table are distinct, so
    /// this is the entry a scan finds.
    @inline(__always)
    mutating func add(_ neighbour: Int32, _ weight: Double, positions: UnsafeMutablePointer<Int32>) {
        let found = positions[Int(neighbour)]
        if found >= 0 {
            raise(Int(found), by: weight)
            return
        }
        let (entry, evicted) = insert(neighbour, weight)
        if evicted >= 0 { positions[Int(evicted)] = -1 }
        positions[Int(neighbour)] = Int32(entry)
    }

    /// Enters a neighbour that is not in the table: appended while there is room,
    /// else in place of the first weakest entry, whose weight it inherits. Returns
    /// its entry and the id it replaced (-1 for none).
    @inline(__always)
    private mutating func insert(_ neighbour: Int32, _ weight: Double) -> (entry: Int, evicted: Int32) {
        if count < capacity {
            let b = count / Self.block
            ids[count] = neighbour
            weights[count] = weight
            errors[count] = 0
            minima[b] = count % Self.block == 0 ? weight : min(minima[b], weight)
            count += 1
            return (count - 1, -1)
        }
        let weakest = firstWeakest()
        let evicted = ids[weakest]
        ids[weakest] = neighbour
        errors[weakest] = weights[weakest]
        raise(weakest, by: weight)
        return (weakest, evicted)
    }

    /// The first entry of the smallest weight: in the first block whose minimum
    /// it is, since every block before holds only larger weights.
    @inline(__always)
    private func firstWeakest() -> Int {
        var best = 0
        for b in 1..<Self.blocks(count) where minima[b] < minima[best] { best = b }
        var entry = best * Self.block
        while weights[entry] != minima[best] { entry += 1 }
        return entry
    }

    /// Adds `weight` to an entry's weight and keeps its block's minimum.
    @inline(__always)
    private mutating func raise(_ entry: Int, by weight: Double) {
        let old = weights[entry]
        let new = old + weight
        weights[entry] = new
        let b = entry / Self.block
        if new < minima[b] {
            minima[b] = new
        } else if old == minima[b] && new != old {
            let start = b * Self.block
            var smallest = weights[start]
            for k in (start + 1)..<min(start + Self.block, count) { smallest = min(smallest, weights[k]) }
            minima[b] = smallest
        }
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
