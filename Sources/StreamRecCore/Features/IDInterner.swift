import CCacheHints

/// Maps string ids to dense `Int32` indices and back, reusing the indices of
/// removed ids, so that per-entity state lives in flat arrays.
///
/// An open-addressing table with a cheap byte hash (FNV-1a over UTF-8) stands in
/// for `Dictionary<String, Int32>`: interning runs several times per event, and
/// the standard library's seeded SipHash was a fifth of the feature store's time.
struct IDInterner: Sendable, Equatable {
    /// Id of each index; "" for a free index.
    private(set) var ids: [String] = []
    /// Indices of removed ids, reused last-in first-out.
    private(set) var free: [Int32] = []
    /// Open-addressing slots: an index into `ids` (or `empty`, `deleted`) and a copy
    /// of the id, so that a probe compares in the slot itself instead of reaching
    /// into `ids` (one cache miss fewer per lookup; ids up to 15 bytes are stored inline).
    private var slots: [Slot] = Array(repeating: Slot(index: IDInterner.empty, id: ""), count: 16)

    private struct Slot: Sendable {
        var index: Int32
        var id: String
    }
    private var live = 0
    private var used = 0  // live + deleted slots

    private static let empty: Int32 = -1
    private static let deleted: Int32 = -2

    init() {}

    /// Live ids.
    var count: Int { live }
    /// One past the highest index ever handed out: the size per-entity arrays need.
    var capacity: Int { ids.count }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.ids == rhs.ids && lhs.free == rhs.free
    }

    @inline(__always)
    static func hash(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return hash ^ (hash >> 29)
        }
    }

    /// The slot holding `id`, or the slot where it would go.
    @inline(__always)
    private func find(_ id: String, hash: UInt64) -> (slot: Int, found: Bool) {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            var firstDeleted = -1
            while true {
                let entry = slots[slot].index
                if entry == Self.empty { return (firstDeleted >= 0 ? firstDeleted : slot, false) }
                if entry == Self.deleted {
                    if firstDeleted < 0 { firstDeleted = slot }
                } else if slots[slot].id == id {
                    return (slot, true)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    func index(of id: String) -> Int32? {
        index(of: id, hash: Self.hash(id))
    }

    /// ``index(of:)`` with the id's ``hash(_:)`` already computed.
    @inline(__always)
    func index(of id: String, hash: UInt64) -> Int32? {
        let (slot, found) = find(id, hash: hash)
        return found ? slots[slot].index : nil
    }

    /// Starts loading the slot where a lookup of an id with this hash begins, so
    /// that a lookup soon after finds it in cache.
    @inline(__always)
    func prefetchSlot(hash: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            streamrec_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hash) & (slots.count - 1)))
        }
    }

    func id(at index: Int32) -> String { ids[Int(index)] }

    /// The index of `id`, adding it if new. `isNew` tells the caller to reset the slot.
    mutating func intern(_ id: String) -> (index: Int32, isNew: Bool) {
        let hash = Self.hash(id)
        var (slot, found) = find(id, hash: hash)
        if found { return (slots[slot].index, false) }
        if (used + 1) * 4 > slots.count * 3 {
            rehash(to: live * 2 >= slots.count / 2 ? slots.count * 2 : slots.count)
            (slot, _) = find(id, hash: hash)
        }
        let index: Int32
        if let reused = free.popLast() {
            index = reused
            ids[Int(index)] = id
        } else {
            index = Int32(ids.count)
            ids.append(id)
        }
        if slots[slot].index == Self.empty { used += 1 }
        slots[slot] = Slot(index: index, id: id)
        live += 1
        return (index, true)
    }

    /// Frees the index of a removed id for reuse.
    mutating func remove(_ index: Int32) {
        let id = ids[Int(index)]
        guard !id.isEmpty else { return }
        let (slot, found) = find(id, hash: Self.hash(id))
        guard found else { return }
        slots[slot] = Slot(index: Self.deleted, id: "")
        live -= 1
        ids[Int(index)] = ""
        free.append(index)
    }

    private mutating func rehash(to size: Int) {
        slots = Array(repeating: Slot(index: Self.empty, id: ""), count: size)
        used = 0
        for (index, id) in ids.enumerated() where !id.isEmpty {
            let (slot, _) = find(id, hash: Self.hash(id))
            slots[slot] = Slot(index: Int32(index), id: id)
            used += 1
        }
    }

    /// Rebuilds from a snapshot's index → id table ("" marks a free index) and free
    /// list, in its order, so that a restored interner hands out the same indices.
    init(ids: [String], free: [Int32]) throws(StreamRecError) {
        self.ids = ids
        var size = 16
        while size * 3 < ids.count * 4 + 4 { size *= 2 }
        slots = Array(repeating: Slot(index: Self.empty, id: ""), count: size)
        for (index, id) in ids.enumerated() where !id.isEmpty {
            let (slot, found) = find(id, hash: Self.hash(id))
            guard !found else { throw StreamRecError.snapshot("inconsistent snapshot: id '\(id)' appears twice") }
            slots[slot] = Slot(index: Int32(index), id: id)
            live += 1
            used += 1
        }
        guard free.count == ids.count - live,
            free.allSatisfy({ $0 >= 0 && Int($0) < ids.count && ids[Int($0)].isEmpty }),
            Set(free).count == free.count
        else {
            throw StreamRecError.snapshot("inconsistent snapshot: free list does not match the id table")
        }
        self.free = free
    }
}
