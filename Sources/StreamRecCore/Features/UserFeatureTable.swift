/// Per-user state as struct-of-arrays, indexed by the user's interned index, plus
/// a least-recently-active list for eviction. Owned and mutated by ``FeatureStore``.
struct UserFeatureTable: Sendable, Equatable {
    let typeCount: Int
    let recentCapacity: Int
    let categoryCapacity: Int
    let consumedCapacity: Int

    var counts: [UInt32] = []  // user * typeCount + type
    var decayed: [Double] = []  // forward-decayed interaction weight
    var firstSeen: [Int64] = []
    var lastSeen: [Int64] = []
    var hours: [UInt32] = []  // user * 24 + hour of day (UTC)
    var weekdays: [UInt32] = []  // user * 7 + day, Monday = 0
    var recentItems: [Int32] = []  // user * recentCapacity + k, newest first
    var recentTimes: [Int64] = []
    var recentCount: [UInt16] = []
    var categoryIDs: [Int32] = []  // user * categoryCapacity + k
    var categoryWeights: [Double] = []  // forward-decayed
    var categoryCount: [UInt16] = []
    var consumed: [ContiguousArray<Int32>] = []  // oldest first, at most consumedCapacity
    // Least-recently-active list: head is the most recent, tail the next to evict.
    var newer: [Int32] = []
    var older: [Int32] = []
    var head: Int32 = -1
    var tail: Int32 = -1

    init(typeCount: Int, settings: FeatureSettings) {
        self.typeCount = typeCount
        recentCapacity = settings.recentItems
        categoryCapacity = settings.categoriesPerUser
        consumedCapacity = settings.consumedItems
    }

    var slots: Int { decayed.count }

    /// Makes room for index `user` and clears its slot.
    mutating func reset(_ user: Int32) {
        let u = Int(user)
        if u >= slots {
            // Grow geometrically in one go: fresh slots are already in the reset state.
            let grow = max(u + 1, slots * 3 / 2, 64) - slots
            counts += repeatElement(0, count: grow * typeCount)
            decayed += repeatElement(0, count: grow)
            firstSeen += repeatElement(.max, count: grow)
            lastSeen += repeatElement(.min, count: grow)
            hours += repeatElement(0, count: grow * 24)
            weekdays += repeatElement(0, count: grow * 7)
            recentItems += repeatElement(-1, count: grow * recentCapacity)
            recentTimes += repeatElement(0, count: grow * recentCapacity)
            recentCount += repeatElement(0, count: grow)
            categoryIDs += repeatElement(-1, count: grow * categoryCapacity)
            categoryWeights += repeatElement(0, count: grow * categoryCapacity)
            categoryCount += repeatElement(0, count: grow)
            consumed += repeatElement([], count: grow)
            newer += repeatElement(-1, count: grow)
            older += repeatElement(-1, count: grow)
            return
        }
        for k in 0..<typeCount { counts[u * typeCount + k] = 0 }
        decayed[u] = 0
        firstSeen[u] = .max
        lastSeen[u] = .min
        for k in 0..<24 { hours[u * 24 + k] = 0 }
        for k in 0..<7 { weekdays[u * 7 + k] = 0 }
        recentCount[u] = 0
        categoryCount[u] = 0
        consumed[u] = []
    }

    // MARK: Least-recently-active list

    mutating func unlink(_ user: Int32) {
        let u = Int(user)
        let (n, o) = (newer[u], older[u])
        if n >= 0 { older[Int(n)] = o } else if head == user { head = o }
        if o >= 0 { newer[Int(o)] = n } else if tail == user { tail = n }
        newer[u] = -1
        older[u] = -1
    }

    mutating func pushFront(_ user: Int32) {
        let u = Int(user)
        newer[u] = -1
        older[u] = head
        if head >= 0 { newer[Int(head)] = user }
        head = user
        if tail < 0 { tail = user }
    }

    mutating func touch(_ user: Int32) {
        guard head != user else { return }
        unlink(user)
        pushFront(user)
    }

    // MARK: Bounded lists

    /// Puts `item` into the newest-first list at its time; a repeat keeps the later time.
    mutating func recordRecent(_ user: Int32, item: Int32, time: Int64) {
        let base = Int(user) * recentCapacity
        let capacity = recentCapacity
        var count = Int(recentCount[Int(user)])
        let inserted: Bool = recentItems.withUnsafeMutableBufferPointer { allItems in
            recentTimes.withUnsafeMutableBufferPointer { allTimes in
                let items = allItems.baseAddress! + base, times = allTimes.baseAddress! + base
                var existing = -1
                for k in 0..<count where items[k] == item {
                    existing = k
                    break
                }
                if existing >= 0 {
                    if times[existing] >= time { return false }
                    (items + existing).update(from: items + existing + 1, count: count - existing - 1)
                    (times + existing).update(from: times + existing + 1, count: count - existing - 1)
                    count -= 1
                }
                var position = 0
                while position < count, times[position] >= time { position += 1 }
                guard position < capacity else { return false }  // older than everything kept
                let moving = min(count, capacity - 1) - position
                if moving > 0 {
                    (items + position + 1).update(from: items + position, count: moving)
                    (times + position + 1).update(from: times + position, count: moving)
                }
                items[position] = item
                times[position] = time
                return true
            }
        }
        if inserted { recentCount[Int(user)] = UInt16(min(count + 1, capacity)) }
    }

    /// Adds to the user's affinity for `category`; beyond capacity the weakest
    /// category is replaced and the newcomer inherits its weight (space-saving).
    mutating func addCategory(_ user: Int32, category: Int32, stored weight: Double) {
        let base = Int(user) * categoryCapacity
        let count = Int(categoryCount[Int(user)])
        let found = categoryIDs.withUnsafeBufferPointer { ids in
            (0..<count).first { ids[base + $0] == category }
        }
        if let found {
            categoryWeights[base + found] += weight
            return
        }
        if count < categoryCapacity {
            categoryIDs[base + count] = category
            categoryWeights[base + count] = weight
            categoryCount[Int(user)] = UInt16(count + 1)
            return
        }
        var weakest = 0
        for k in 1..<count where categoryWeights[base + k] < categoryWeights[base + weakest] { weakest = k }
        categoryIDs[base + weakest] = category
        categoryWeights[base + weakest] += weight
    }

    /// Remembers `item` as consumed. Returns whether it was new for this user.
    mutating func recordConsumed(_ user: Int32, item: Int32) -> Bool {
        let u = Int(user)
        guard consumedCapacity > 0, !consumed[u].withUnsafeBufferPointer({ Self.contains($0, item) }) else { return false }
        if consumed[u].count >= consumedCapacity { consumed[u].removeFirst() }
        consumed[u].append(item)
        return true
    }

    /// Membership by scanning eight at a time. The list is the user's own, one
    /// allocation read front to back: for the usual few dozen items cheaper than a
    /// shared hash set (one more cache miss per event), and still fast at the cap.
    @inline(__always)
    static func contains(_ list: UnsafeBufferPointer<Int32>, _ item: Int32) -> Bool {
        guard let base = list.baseAddress else { return false }
        let count = list.count
        var index = 0
        let needle = SIMD8<Int32>(repeating: item)
        while index + 8 <= count {
            let lanes = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Int32>.self)
            if any(lanes .== needle) { return true }
            index += 8
        }
        while index < count {
            if base[index] == item { return true }
            index += 1
        }
        return false
    }
}
