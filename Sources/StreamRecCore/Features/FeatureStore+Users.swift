/// Moving one user's state out of memory and back: the engine keeps every user,
/// memory holding the active ones and its disk store the rest.
///
/// An exported user is portable: items and categories by id rather than by this
/// store's indices, decayed sums with the landmark they were stored against. So
/// it can be read back by another instance (after a partition moved) as well as
/// by this one.
extension FeatureStore {
    static let exportVersion: UInt8 = 2

    /// Whether the user's state is in memory.
    public func holdsUser(_ id: String) -> Bool { users.index(of: id) != nil }

    /// The ids of the users in memory, in no particular order.
    public var userIDs: [String] {
        (0..<Int32(users.capacity)).map { users.id(at: $0) }.filter { !$0.isEmpty }
    }

    /// The time of the user's latest event, or nil when memory does not hold them.
    public func lastSeen(of id: String) -> Int64? {
        users.index(of: id).map { userTable.records[Int($0)].lastSeen }
    }

    /// Users in memory whose latest event is older than `time`.
    public func users(lastSeenBefore time: Int64) -> [String] {
        var found: [String] = []
        userTable.forEachLeastRecentlyActive { user, record in
            if record.lastSeen < time { found.append(users.id(at: user)) }
            return true
        }
        return found
    }

    /// The user's whole state, or nil when memory does not hold them.
    public func exportUser(_ id: String) -> [UInt8]? {
        guard let user = users.index(of: id) else { return nil }
        let u = Int(user)
        let record = userTable.records[u]
        var w = BinaryWriter()
        w.write(Self.exportVersion)
        w.write(userDecay.landmark)
        w.write(record.decayed)
        w.write(record.firstSeen)
        w.write(record.lastSeen)
        let stride = userTable.counterStride
        w.write(block: Array(userTable.counters[(u * stride)..<((u + 1) * stride)]))
        let recentBase = u * userTable.recentCapacity
        w.write(UInt32(record.recentCount))
        for k in 0..<Int(record.recentCount) {
            w.write(userTable.recent[recentBase + k].time)
            w.write(items.id(at: userTable.recent[recentBase + k].item))
        }
        let affinityBase = u * userTable.categoryCapacity
        w.write(UInt32(record.categoryCount))
        for k in 0..<Int(record.categoryCount) {
            w.write(userTable.affinities[affinityBase + k].weight)
            w.write(categories.id(at: userTable.affinities[affinityBase + k].category))
        }
        let consumed = userTable.consumed[u].map(UserFeatureTable.consumedEntry)
        w.write(consumed.map { items.id(at: $0.item) })
        w.write(block: consumed.map { $0.lasting ? UInt8(1) : 0 })
        return w.bytes
    }

    /// Takes the user out of memory. Returns whether memory held them.
    @discardableResult
    public mutating func removeUser(_ id: String) -> Bool {
        guard let user = users.index(of: id) else { return false }
        userTable.forget(user)
        users.remove(user)
        return true
    }

    /// Puts a user of ``exportUser(_:)`` into memory, as the most recently active,
    /// replacing what memory held for them. Items and categories it names that this
    /// store has not seen are added.
    public mutating func importUser(_ id: String, from bytes: [UInt8]) throws(StreamRecError) {
        var r = BinaryReader(bytes)
        let version = try r.read(UInt8.self)
        guard (1...Self.exportVersion).contains(version) else {
            throw StreamRecError.snapshot("user '\(id)': unknown export version")
        }
        let landmark = try r.read(Int64.self)
        let decayed = try r.readDouble()
        let firstSeen = try r.read(Int64.self)
        let lastSeen = try r.read(Int64.self)
        let counters: [UInt32] = try r.readBlock()
        guard counters.count == userTable.counterStride else {
            throw StreamRecError.snapshot(
                "user '\(id)': \(counters.count) counters, this schema has \(userTable.counterStride)")
        }
        var recent: [(time: Int64, item: String)] = []
        for _ in 0..<Int(try r.read(UInt32.self)) { recent.append((try r.read(Int64.self), try r.readString())) }
        var affinities: [(weight: Double, category: String)] = []
        for _ in 0..<Int(try r.read(UInt32.self)) { affinities.append((try r.readDouble(), try r.readString())) }
        let consumed = try r.readStrings()
        // Version 1 knew no items to recommend again: every one stays out.
        let lasting: [UInt8] = version >= 2 ? try r.readBlock() : Array(repeating: 1, count: consumed.count)
        guard lasting.count == consumed.count else {
            throw StreamRecError.snapshot("user '\(id)': \(lasting.count) flags for \(consumed.count) consumed items")
        }
        guard r.remaining == 0 else { throw StreamRecError.snapshot("user '\(id)': trailing bytes") }

        removeUser(id)
        let (user, _) = users.intern(id)
        let u = Int(user)
        userTable.reset(user)
        userTable.touch(user)
        userTable.records[u].decayed = userDecay.rescale(decayed, from: landmark)
        userTable.records[u].firstSeen = firstSeen
        userTable.records[u].lastSeen = lastSeen
        let stride = userTable.counterStride
        userTable.counters.replaceSubrange((u * stride)..<((u + 1) * stride), with: counters)
        // Newest first already; a smaller capacity here keeps the newest.
        let recentBase = u * userTable.recentCapacity
        let keptRecent = recent.prefix(userTable.recentCapacity)
        for (k, entry) in keptRecent.enumerated() {
            userTable.recent[recentBase + k] = .init(time: entry.time, item: internItem(entry.item))
        }
        userTable.records[u].recentCount = UInt16(keptRecent.count)
        let affinityBase = u * userTable.categoryCapacity
        let keptAffinities = affinities.prefix(userTable.categoryCapacity)
        for (k, entry) in keptAffinities.enumerated() {
            userTable.affinities[affinityBase + k] = .init(
                weight: userDecay.rescale(entry.weight, from: landmark),
                category: categories.intern(entry.category).index)
        }
        userTable.records[u].categoryCount = UInt16(keptAffinities.count)
        // A store that tracks no passing items holds every one as lasting.
        let kept = zip(consumed, lasting).suffix(userTable.consumedCapacity)
        userTable.consumed[u] = ContiguousArray(
            kept.map { id, flag in
                let item = internItem(id)
                return flag != 0 || !userTable.tracksPassing ? item : ~item
            })
    }

    private mutating func internItem(_ id: String) -> Int32 {
        let item = items.intern(id).index
        itemTable.ensure(item)
        return item
    }

    /// Users memory should stop holding, least recently active first: those beyond
    /// ``FeatureSettings/maxUsers``, and those idle longer than
    /// ``FeatureSettings/userTTLHours`` in event time; at most `limit`, never one
    /// `keeping` wants kept (its refresh is pending, say).
    public func usersToMoveOut(atMost limit: Int, keeping: (String) -> Bool) -> [String] {
        let horizon = settings.userTTLHours > 0 && now != .min ? now - Int64(settings.userTTLHours * 3_600_000) : .min
        let held = users.count
        guard held > settings.maxUsers || horizon > .min else { return [] }
        var chosen: [String] = []
        userTable.forEachLeastRecentlyActive { user, record in
            guard chosen.count < limit, held - chosen.count > settings.maxUsers || record.lastSeen < horizon else {
                return false
            }
            let id = users.id(at: user)
            if !keeping(id) { chosen.append(id) }
            return true
        }
        return chosen
    }
}
