/// One hybrid signal's item rows next to the rows of the hybrid's feature store,
/// both ways, so that the hybrid blends its signals by row instead of by id.
///
/// Item catalogues only grow (items are never removed), so the map is extended
/// with the signal's new rows after each learn. Every signal learns the same
/// events as the store; should a signal ever hold an item the store does not,
/// the map is incomplete and the hybrid ranks by id.
struct CatalogueMap: Sendable {
    /// The store row of each signal row.
    private(set) var toStore: [Int32] = []
    /// The signal row of each store row; -1 for items the signal has not seen.
    private(set) var fromStore: [Int32] = []
    private(set) var isComplete = true
    /// Whether every signal row is the same store row (the signal learned its
    /// items in the store's order, as signals that learn every event do).
    private(set) var isIdentity = true

    /// Maps the rows `signal` added since the last call.
    mutating func extend(signal: IDInterner, store: IDInterner) {
        if fromStore.count < store.capacity {
            fromStore += repeatElement(-1, count: store.capacity - fromStore.count)
        }
        while toStore.count < signal.capacity {
            let row = Int32(toStore.count)
            guard let storeRow = store.index(of: signal.id(at: row)) else {
                isComplete = false
                isIdentity = false
                toStore.append(-1)
                continue
            }
            toStore.append(storeRow)
            fromStore[Int(storeRow)] = row
            if storeRow != row { isIdentity = false }
        }
    }

    /// Whether the signal has the store's item at `storeRow`.
    func maps(storeRow row: Int32) -> Bool {
        Int(row) < fromStore.count && fromStore[Int(row)] >= 0
    }

    /// The signal rows of the store rows it has, ascending (the order the
    /// rankings walk exclusions in). `storeRows` must be ascending: an identity
    /// map returns them as they are, cut where the signal's rows end.
    func signalRows(_ storeRows: [Int32]) -> [Int32] {
        guard isIdentity else { return storeRows.compactMap { maps(storeRow: $0) ? fromStore[Int($0)] : nil }.sorted() }
        // The rows it has are those below its row count.
        let end = storeRows.firstIndex { Int($0) >= toStore.count } ?? storeRows.endIndex
        return end == storeRows.endIndex ? storeRows : Array(storeRows[..<end])
    }
}
