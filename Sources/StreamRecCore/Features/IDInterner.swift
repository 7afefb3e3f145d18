/// Maps string ids to dense `Int32` indices and back, reusing the indices of
/// removed ids, so that per-entity state lives in flat arrays.
public struct IDInterner: Sendable, Equatable {
    private var indices: [String: Int32] = [:]
    /// Id of each index; "" for a free index.
    private(set) var ids: [String] = []
    /// Indices of removed ids, reused last-in first-out.
    private(set) var free: [Int32] = []

    public init() {}

    /// Live ids.
    public var count: Int { indices.count }
    /// One past the highest index ever handed out: the size per-entity arrays need.
    public var capacity: Int { ids.count }

    public func index(of id: String) -> Int32? { indices[id] }

    public func id(at index: Int32) -> String { ids[Int(index)] }

    /// The index of `id`, adding it if new. `isNew` tells the caller to reset the slot.
    public mutating func intern(_ id: String) -> (index: Int32, isNew: Bool) {
        if let index = indices[id] { return (index, false) }
        let index: Int32
        if let reused = free.popLast() {
            index = reused
            ids[Int(index)] = id
        } else {
            index = Int32(ids.count)
            ids.append(id)
        }
        indices[id] = index
        return (index, true)
    }

    /// Frees the index of a removed id for reuse.
    public mutating func remove(_ index: Int32) {
        let id = ids[Int(index)]
        guard !id.isEmpty, indices.removeValue(forKey: id) != nil else { return }
        ids[Int(index)] = ""
        free.append(index)
    }

    /// Rebuilds from a snapshot's index → id table ("" marks a free index) and free
    /// list, in its order, so that a restored interner hands out the same indices.
    init(ids: [String], free: [Int32]) throws(SnapshotError) {
        self.ids = ids
        for (index, id) in ids.enumerated() where !id.isEmpty {
            guard indices.updateValue(Int32(index), forKey: id) == nil else {
                throw SnapshotError("inconsistent snapshot: id '\(id)' appears twice")
            }
        }
        guard free.count == ids.count - indices.count, free.allSatisfy({ $0 >= 0 && Int($0) < ids.count && ids[Int($0)].isEmpty }),
              Set(free).count == free.count else {
            throw SnapshotError("inconsistent snapshot: free list does not match the id table")
        }
        self.free = free
    }
}
