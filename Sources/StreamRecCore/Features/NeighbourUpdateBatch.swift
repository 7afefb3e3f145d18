/// Co-occurrence updates held back while a batch of events is applied, then
/// applied grouped by item.
///
/// An event pairs its item with up to `cooccurrenceWindow` recent items, both ways,
/// and every pairing scans a neighbour table of `neighbourCapacity` entries. A
/// catalogue's tables outgrow the core's caches (ML-100K's 1,682 items with 300
/// candidates each hold 10 MB), so pairings applied as they come fetch a table
/// from memory nearly every time. The tables are independent of each other, so
/// the same updates grouped by item, in arrival order within each item, give the
/// same tables bit for bit, while each table is fetched once per group.
struct NeighbourUpdateBatch: ~Copyable {
    struct Update {
        var item: Int32
        var neighbour: Int32
        var weight: Double
    }

    /// Updates held before they are applied; a batch larger than this is applied in parts.
    let capacity: Int
    private let pending: UnsafeMutablePointer<Update>
    private let grouped: UnsafeMutablePointer<Update>
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        pending = .allocate(capacity: capacity)
        grouped = .allocate(capacity: capacity)
    }

    deinit {
        pending.deallocate()
        grouped.deallocate()
    }

    @inline(__always)
    mutating func append(item: Int32, neighbour: Int32, weight: Double) {
        assert(!isGrouped, "an update held after the batch was grouped")
        pending[count] = Update(item: item, neighbour: neighbour, weight: weight)
        count += 1
    }

    /// Whether `grouped` holds the `count` updates in item order (see ``group(slots:)``).
    private(set) var isGrouped = false

    /// Sorts the held updates by item into `grouped`, ahead of ``flush(into:onTwoThreads:)``:
    /// a caller that holds updates on one thread while another thread is busy
    /// sorts there, and the flush only applies. A few updates across a large
    /// catalogue are left in arrival order: grouping costs a pass over every
    /// item slot, and the flush applies them as they came.
    mutating func group(slots: Int) {
        guard !isGrouped, count * 16 >= slots else { return }
        // A stable counting sort by item: each item's updates keep their order.
        var next = [Int](repeating: 0, count: slots + 1)
        for k in 0..<count { next[Int(pending[k].item) + 1] += 1 }
        for i in 0..<slots { next[i + 1] += next[i] }
        for k in 0..<count {
            let i = Int(pending[k].item)
            grouped[next[i]] = pending[k]
            next[i] += 1
        }
        isGrouped = true
    }

    /// Applies every held update to `table` and empties the batch. On two threads,
    /// each takes the groups of half the updates: the groups are independent tables.
    mutating func flush(into table: inout ItemFeatureTable, onTwoThreads: Bool = false) {
        defer {
            count = 0
            isGrouped = false
        }
        group(slots: table.slots)
        guard isGrouped else {
            for k in 0..<count { table.addNeighbour(pending[k].item, pending[k].neighbour, stored: pending[k].weight) }
            return
        }
        // The halves meet at a group boundary at or after the middle.
        var middle = count
        if onTwoThreads && count >= Self.minimumPerThread * 2 {
            middle = count / 2
            while middle < count, grouped[middle].item == grouped[middle - 1].item { middle += 1 }
        }
        let parts = [0..<middle, middle..<count].filter { !$0.isEmpty }
        // Both threads read the sorted updates; each writes only its own groups' tables.
        let grouped = UnsafeTransfer(UnsafePointer(grouped))
        let slots = table.slots
        table.withNeighbourStorage { storage in
            let storage = UnsafeTransfer(storage)
            Parallel.forEach(parts: parts.count) { part in
                // An entry per item row: where it is in the table at hand, -1 when absent.
                var positions = [Int32](repeating: -1, count: slots)
                positions.withUnsafeMutableBufferPointer { positions in
                    var start = parts[part].lowerBound
                    while start < parts[part].upperBound {
                        let item = grouped.wrappedValue[start].item
                        var end = start + 1
                        while end < parts[part].upperBound, grouped.wrappedValue[end].item == item { end += 1 }
                        storage.wrappedValue.addNeighbours(
                            item, UnsafeBufferPointer(start: grouped.wrappedValue + start, count: end - start),
                            positions: positions.baseAddress!)
                        start = end
                    }
                }
            }
        }
    }

    /// Updates below which a second thread costs more than it saves.
    static let minimumPerThread = 4_096
}

/// Co-occurrence updates of applied events, held in their batch until
/// ``FeatureStore/applyHeld(_:onTwoThreads:)`` applies them (none when the store
/// pairs no items). The batch is freed with its owner.
struct HeldNeighbourUpdates: ~Copyable {
    /// Where the batch lives: the store's event pass writes through this pointer.
    let batch: UnsafeMutablePointer<NeighbourUpdateBatch>?

    init(_ capacity: Int) {
        guard capacity > 0 else {
            batch = nil
            return
        }
        batch = .allocate(capacity: 1)
        batch!.initialize(to: NeighbourUpdateBatch(capacity: capacity))
    }

    deinit {
        guard let batch else { return }
        batch.deinitialize(count: 1)
        batch.deallocate()
    }
}
