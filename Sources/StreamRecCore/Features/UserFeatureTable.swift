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
            let grow = u + 1 - slots
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
        var count = Int(recentCount[Int(user)])
        if let existing = (0..<count).first(where: { recentItems[base + $0] == item }) {
            if recentTimes[base + existing] >= time { return }
            for k in existing..<(count - 1) {
                recentItems[base + k] = recentItems[base + k + 1]
                recentTimes[base + k] = recentTimes[base + k + 1]
            }
            count -= 1
        }
        var position = 0
        while position < count, recentTimes[base + position] >= time { position += 1 }
        guard position < recentCapacity else { return }  // older than everything kept
        let last = min(count, recentCapacity - 1)
        var k = last
        while k > position {
            recentItems[base + k] = recentItems[base + k - 1]
            recentTimes[base + k] = recentTimes[base + k - 1]
            k -= 1
        }
        recentItems[base + position] = item
        recentTimes[base + position] = time
        recentCount[Int(user)] = UInt16(min(count + 1, recentCapacity))
    }

    /// Adds to the user's affinity for `category`; beyond capacity the weakest
    /// category is replaced and the newcomer inherits its weight (space-saving).
    mutating func addCategory(_ user: Int32, category: Int32, stored weight: Double) {
        let base = Int(user) * categoryCapacity
        let count = Int(categoryCount[Int(user)])
        for k in 0..<count where categoryIDs[base + k] == category {
            categoryWeights[base + k] += weight
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
        if consumed[u].contains(item) { return false }
        if consumed[u].count >= consumedCapacity { consumed[u].removeFirst() }
        consumed[u].append(item)
        return true
    }
}
