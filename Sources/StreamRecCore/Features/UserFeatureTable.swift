import CCacheHints

/// Per-user state in flat arrays indexed by the user's interned index.
///
/// Fields updated together by every event share one fixed-size record (one
/// cache line), and each bounded list is one contiguous run per user: at 100k
/// users the state is far larger than the caches, so an event should touch as
/// few lines as it can. The least-recently-active order for eviction is an
/// append-only queue of (user, activity stamp) rather than a linked list, whose
/// relinking touched two more users per event. Owned and mutated by ``FeatureStore``.
struct UserFeatureTable: Sendable, Equatable {
    /// The hot scalars of one user.
    struct Record: Sendable, Equatable, BitwiseCopyable {
        var decayed: Double = 0  // forward-decayed interaction weight
        var firstSeen: Int64 = .max
        var lastSeen: Int64 = .min
        var activity: UInt64 = 0  // stamp of the latest event, for the eviction queue
        var recentCount: UInt16 = 0
        var categoryCount: UInt16 = 0
        /// Fills what would be padding: snapshots copy records as raw bytes, and
        /// padding holds whatever was in memory, which would make them differ.
        var spare: UInt32 = 0
    }

    /// A (time, item) entry of the recent list.
    struct Recent: Sendable, Equatable, BitwiseCopyable {
        var time: Int64
        var item: Int32
        var spare: Int32 = 0  // no padding: see Record.spare
    }

    /// A (weight, category) entry of the category affinities.
    struct Affinity: Sendable, Equatable, BitwiseCopyable {
        var weight: Double  // forward-decayed
        var category: Int32
        var spare: Int32 = 0  // no padding: see Record.spare
    }

    /// An entry of the eviction queue: valid while `stamp` equals the user's activity.
    struct Activity: Sendable, Equatable, BitwiseCopyable {
        var stamp: UInt64
        var user: Int32
        var spare: Int32 = 0  // no padding: see Record.spare
    }

    let typeCount: Int
    let recentCapacity: Int
    let categoryCapacity: Int
    let consumedCapacity: Int
    /// Counters per user: event counts per type, then 24 hours of day (UTC), then 7 weekdays (Monday first).
    var counterStride: Int { typeCount + 31 }

    var records: [Record] = []
    var counters: [UInt32] = []
    var recent: [Recent] = []  // user * recentCapacity + k, newest first
    var affinities: [Affinity] = []  // user * categoryCapacity + k
    /// Whether some event types' items are only passed by
    /// (``FeatureSettings/recommendAgainTypes``): otherwise no consumed entry is one.
    let tracksPassing: Bool
    var consumed: [ContiguousArray<Int32>] = []  // oldest first, at most consumedCapacity (0 in the settings: all)
    /// Least recently active first; stale entries (an older stamp) are skipped.
    var activityQueue: [Activity] = []
    var activityHead = 0
    var nextStamp: UInt64 = 1

    init(typeCount: Int, settings: FeatureSettings) {
        self.typeCount = typeCount
        recentCapacity = settings.recentItems
        categoryCapacity = settings.categoriesPerUser
        consumedCapacity = settings.consumedItems == 0 ? .max : settings.consumedItems
        tracksPassing = !settings.recommendAgainTypes.isEmpty
    }

    var slots: Int { records.count }

    /// Equal state: of the eviction queue only the live entries count; where the
    /// stale ones sit depends on when the queue was last compacted.
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.typeCount == rhs.typeCount && lhs.recentCapacity == rhs.recentCapacity
            && lhs.categoryCapacity == rhs.categoryCapacity
            && lhs.consumedCapacity == rhs.consumedCapacity && lhs.records == rhs.records
            && lhs.counters == rhs.counters
            && lhs.recent == rhs.recent && lhs.affinities == rhs.affinities && lhs.consumed == rhs.consumed
            && lhs.liveActivity == rhs.liveActivity
            && lhs.nextStamp == rhs.nextStamp
    }

    /// Makes room for index `user` and clears its slot.
    mutating func reset(_ user: Int32) {
        let u = Int(user)
        if u >= slots {
            // Grow geometrically in one go: fresh slots are already in the reset state.
            let grow = max(u + 1, slots * 3 / 2, 64) - slots
            records += repeatElement(Record(), count: grow)
            counters += repeatElement(0, count: grow * counterStride)
            recent += repeatElement(Recent(time: 0, item: -1), count: grow * recentCapacity)
            affinities += repeatElement(Affinity(weight: 0, category: -1), count: grow * categoryCapacity)
            consumed += repeatElement([], count: grow)
            return
        }
        records[u] = Record()
        for k in 0..<counterStride { counters[u * counterStride + k] = 0 }
        consumed[u] = []
    }

    // MARK: Eviction order

    /// Marks the user as the most recently active.
    mutating func touch(_ user: Int32) {
        let stamp = nextStamp
        nextStamp += 1
        records[Int(user)].activity = stamp
        activityQueue.append(Activity(stamp: stamp, user: user))
        // Keep the queue within twice the live entries: drop the stale ones.
        if activityQueue.count - activityHead > 2 * slots + 64 { compactQueue() }
    }

    /// The least recently active user still present, if any.
    mutating func leastRecentlyActive() -> Int32? {
        while activityHead < activityQueue.count {
            let entry = activityQueue[activityHead]
            // Checking an entry reads its user's record, cold by now, and the head
            // moves about one entry per event: ask for the record a few entries ahead.
            let ahead = activityHead + 8
            if ahead < activityQueue.count {
                records.withUnsafeBufferPointer { streamrec_prefetch($0.baseAddress! + Int(activityQueue[ahead].user)) }
            }
            if records[Int(entry.user)].activity == entry.stamp { return entry.user }
            activityHead += 1
        }
        return nil
    }

    /// Calls `body` with each user present, least recently active first, until it
    /// returns false.
    func forEachLeastRecentlyActive(_ body: (Int32, Record) -> Bool) {
        var k = activityHead
        while k < activityQueue.count {
            let entry = activityQueue[k]
            k += 1
            let record = records[Int(entry.user)]
            guard record.activity == entry.stamp else { continue }
            if !body(entry.user, record) { return }
        }
    }

    /// Takes the user out of the eviction order.
    mutating func forget(_ user: Int32) {
        records[Int(user)].activity = 0
        consumed[Int(user)] = []  // the one per-user allocation: give it back now
        _ = leastRecentlyActive()  // moves the head past the user, who is usually there
    }

    /// The eviction queue without stale entries, least recently active first.
    var liveActivity: [Activity] {
        activityQueue[activityHead...].filter { records[Int($0.user)].activity == $0.stamp }
    }

    private mutating func compactQueue() {
        var live: [Activity] = []
        live.reserveCapacity(slots)
        for entry in activityQueue[activityHead...] where records[Int(entry.user)].activity == entry.stamp {
            live.append(entry)
        }
        activityQueue = live
        activityHead = 0
    }

    // MARK: Bounded lists

    /// Puts `item` into the newest-first list at its time; a repeat keeps the later time.
    mutating func recordRecent(_ user: Int32, item: Int32, time: Int64) {
        let base = Int(user) * recentCapacity
        let capacity = recentCapacity
        var count = Int(records[Int(user)].recentCount)
        let inserted: Bool = recent.withUnsafeMutableBufferPointer { all in
            let list = all.baseAddress! + base
            var existing = -1
            for k in 0..<count where list[k].item == item {
                existing = k
                break
            }
            if existing >= 0 {
                if list[existing].time >= time { return false }
                (list + existing).update(from: list + existing + 1, count: count - existing - 1)
                count -= 1
            }
            var position = 0
            while position < count, list[position].time >= time { position += 1 }
            guard position < capacity else { return false }  // older than everything kept
            let moving = min(count, capacity - 1) - position
            if moving > 0 { (list + position + 1).update(from: list + position, count: moving) }
            list[position] = Recent(time: time, item: item)
            return true
        }
        if inserted { records[Int(user)].recentCount = UInt16(min(count + 1, capacity)) }
    }

    /// Adds to the user's affinity for `category`; beyond capacity the weakest
    /// category is replaced and the newcomer inherits its weight (space-saving).
    mutating func addCategory(_ user: Int32, category: Int32, stored weight: Double) {
        let base = Int(user) * categoryCapacity
        let count = Int(records[Int(user)].categoryCount)
        let capacity = categoryCapacity
        let grew = affinities.withUnsafeMutableBufferPointer { all -> Bool in
            let list = all.baseAddress! + base
            for k in 0..<count where list[k].category == category {
                list[k].weight += weight
                return false
            }
            if count < capacity {
                list[count] = Affinity(weight: weight, category: category)
                return true
            }
            var weakest = 0
            for k in 1..<count where list[k].weight < list[weakest].weight { weakest = k }
            list[weakest].category = category
            list[weakest].weight += weight
            return false
        }
        if grew { records[Int(user)].categoryCount = UInt16(count + 1) }
    }

    /// Prefetches the start of the user's consumed list: its header and first items.
    ///
    /// The list's address is the one word of its handle. Reading the handle as a
    /// plain word, instead of through the array, skips the load of the list's
    /// count, the very miss this is meant to hide. Should the layout ever differ,
    /// only a hint goes astray: a prefetch never faults.
    @inline(__always)
    func prefetchConsumed(_ user: Int32) {
        consumed.withUnsafeBufferPointer { handles in
            let storage = UnsafeRawPointer(handles.baseAddress! + Int(user)).load(as: UnsafeRawPointer.self)
            prefetchLines(storage, bytes: 192)
        }
    }

    /// Remembers `item` as consumed. Returns whether it was new for this user.
    mutating func recordConsumed(_ user: Int32, item: Int32, lasting: Bool = true) -> Bool {
        let u = Int(user)
        // The list is the user's own, read front to back eight at a time: for the usual
        // few dozen items cheaper than a shared hash set (one more cache miss per event).
        guard consumed[u].withUnsafeBufferPointer({ $0.firstIndexSIMD(of: item) }) == nil else {
            return false
        }
        // An item only passed by is held as ~item (negative), and turns lasting with
        // the first lasting event.
        if tracksPassing,
            let passing = consumed[u].withUnsafeBufferPointer({ $0.firstIndexSIMD(of: ~item) })
        {
            if lasting { consumed[u][passing] = item }
            return false
        }
        if consumed[u].count >= consumedCapacity {
            consumed[u].removeFirst()
        } else if consumed[u].capacity == 0 {
            consumed[u].reserveCapacity(16)  // skip the first few regrowths
        }
        consumed[u].append(lasting ? item : ~item)
        return true
    }

    /// The item of a consumed entry, and whether it stays out of rankings for good.
    @inline(__always)
    static func consumedEntry(_ entry: Int32) -> (item: Int32, lasting: Bool) {
        entry < 0 ? (~entry, false) : (entry, true)
    }
}
