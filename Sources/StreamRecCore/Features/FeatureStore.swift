import Foundation

/// Incremental features of users and items, updated one event at a time.
///
/// - Users: counts per event type, time-decayed interaction weight, first/last
///   seen, hour-of-day and weekday histograms (UTC), the most recent distinct
///   items, decayed category affinities, and the items consumed (for exclusion).
/// - Items: counts per type, decayed popularity (long half-life) and trending
///   (short vs long), distinct users, conversion rate, latest numeric attributes
///   with running mean/variance for standardization, and co-occurrence
///   neighbours for `similar`.
///
/// Time is event time throughout: `now` is the newest event time seen, so a replay
/// of history builds the same features as live processing did. Decays are exact
/// whatever the arrival order (``ForwardDecay``); events more than
/// ``FeatureSettings/latenessMinutes`` behind `now` are counted as late and applied
/// or dropped as configured. Memory is bounded: ids are interned to dense indices,
/// state lives in flat arrays, users beyond ``FeatureSettings/maxUsers`` or idle
/// longer than the TTL are evicted; items are kept (a catalogue is bounded).
///
/// ```swift
/// var store = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
/// store.apply(event)
/// let user = store.userFeatures("u42")
/// let alike = store.similar(to: "sku-1", limit: 10)
/// ```
public struct FeatureStore: Sendable, Equatable {
    public let schema: EventSchema
    public let settings: FeatureSettings
    /// Event types in count-column order.
    public let types: [String]
    private let typeIndex: [String: Int]
    /// Implicit weight per type column.
    private let typeWeights: [Double]
    private let ratingTypeSlot: Int?
    let purchaseType: Int?
    let viewType: Int?

    var users = IDInterner()
    var items = IDInterner()
    var categories = IDInterner()
    var userTable: UserFeatureTable
    var itemTable: ItemFeatureTable
    var userDecay: ForwardDecay
    var popularityDecay: ForwardDecay
    var cooccurrenceDecay: ForwardDecay
    var trendingDecay: ForwardDecay
    var attributeStatistics: [WelfordStatistics]
    /// The newest event time applied; `Int64.min` before the first event.
    public internal(set) var now: Int64 = .min
    public internal(set) var statistics = FeatureStoreStatistics()
    /// Where ``apply(contentsOf:)`` leaves the words it read ahead, so that the
    /// reads are not optimized away. Not state: equality ignores it.
    private var prefetchSink: UInt64 = 0

    public init(schema: EventSchema, settings: FeatureSettings) {
        self.schema = schema
        self.settings = settings
        types = schema.knownTypes
        typeIndex = Dictionary(uniqueKeysWithValues: types.enumerated().map { ($1, $0) })
        typeWeights = types.map { schema.weights[$0] ?? 0 }
        ratingTypeSlot = typeIndex[schema.ratingType]
        purchaseType = typeIndex["purchase"]
        viewType = typeIndex["view"]
        userTable = UserFeatureTable(typeCount: types.count, settings: settings)
        itemTable = ItemFeatureTable(typeCount: types.count, attributeCount: settings.numericAttributes.count, settings: settings)
        userDecay = ForwardDecay(halfLifeHours: settings.userHalfLifeHours)
        popularityDecay = ForwardDecay(halfLifeHours: settings.popularityHalfLifeHours)
        cooccurrenceDecay = ForwardDecay(halfLifeHours: settings.cooccurrenceHalfLifeHours)
        trendingDecay = ForwardDecay(halfLifeHours: settings.trendingHalfLifeHours)
        attributeStatistics = Array(repeating: WelfordStatistics(), count: settings.numericAttributes.count)
    }

    /// Live users and items.
    public var userCount: Int { users.count }
    public var itemCount: Int { items.count }

    /// Applies one event. Returns false when it changed nothing (a late event
    /// dropped by policy, or a type the schema does not know).
    @discardableResult
    public mutating func apply(_ event: Event) -> Bool {
        apply(event, userHint: -1, itemHint: -1)
    }

    /// Applies events in order, with the same result as applying them one by one.
    /// Returns how many changed the store.
    ///
    /// At scale every event's state is a cache miss away. Looking up the ids of the
    /// next few events and reading their records first lets those misses overlap
    /// instead of following one another.
    @discardableResult
    public mutating func apply(contentsOf events: [Event]) -> Int {
        events.withUnsafeBufferPointer { apply(buffer: $0) }
    }

    /// ``apply(contentsOf:)`` for a slice.
    @discardableResult
    public mutating func apply(contentsOf events: ArraySlice<Event>) -> Int {
        events.withUnsafeBufferPointer { apply(buffer: $0) }
    }

    private mutating func apply(buffer events: UnsafeBufferPointer<Event>) -> Int {
        let window = 16
        var applied = 0
        var start = 0
        // Indexing the buffer borrows each event; iterating would copy it (retains).
        withUnsafeTemporaryAllocation(of: (Int32, Int32).self, capacity: window) { hints in
            while start < events.count {
                let end = min(start + window, events.count)
                var sink: UInt64 = 0
                for index in start..<end {
                    let user = users.index(of: events[index].userID) ?? -1
                    let item = items.index(of: events[index].itemID) ?? -1
                    hints[index - start] = (user, item)
                    sink &+= warm(user: user, item: item)
                }
                prefetchSink = sink
                // An eviction may free (and a new user reuse) a looked-up index: after
                // one, user hints are dropped. Items are never removed.
                let evictions = statistics.evictedForCapacity + statistics.evictedForTTL
                for index in start..<end {
                    let unchanged = statistics.evictedForCapacity + statistics.evictedForTTL == evictions
                    let hint = hints[index - start]
                    if apply(events[index], userHint: unchanged ? hint.0 : -1, itemHint: hint.1) { applied += 1 }
                }
                start = end
            }
        }
        return applied
    }

    /// Reads a word of every cache line an event's update will touch (the user's
    /// record, counters, recent list, affinities and consumed list; the item's
    /// record and counts), to bring them into cache before they are needed.
    @inline(__always)
    private func warm(user: Int32, item: Int32) -> UInt64 {
        var sink: UInt64 = 0
        if user >= 0 {
            let u = Int(user)
            sink &+= userTable.records[u].activity
            userTable.counters.withUnsafeBufferPointer { counters in
                let base = u * userTable.counterStride
                for offset in stride(from: 0, to: userTable.counterStride, by: 16) { sink &+= UInt64(counters[base + offset]) }
            }
            userTable.recent.withUnsafeBufferPointer { recent in
                let base = u * userTable.recentCapacity
                for offset in stride(from: 0, to: userTable.recentCapacity, by: 4) { sink &+= UInt64(bitPattern: recent[base + offset].time) }
            }
            userTable.affinities.withUnsafeBufferPointer { affinities in
                let base = u * userTable.categoryCapacity
                for offset in stride(from: 0, to: userTable.categoryCapacity, by: 4) { sink &+= UInt64(bitPattern: Int64(affinities[base + offset].category)) }
            }
            userTable.consumed[u].withUnsafeBufferPointer { list in
                for offset in stride(from: 0, to: list.count, by: 16) { sink &+= UInt64(bitPattern: Int64(list[offset])) }
            }
        }
        if item >= 0 {
            sink &+= UInt64(bitPattern: itemTable.records[Int(item)].lastSeen)
            sink &+= UInt64(itemTable.counts[Int(item) * types.count])
        }
        return sink
    }

    private mutating func apply(_ event: borrowing Event, userHint: Int32, itemHint: Int32) -> Bool {
        guard let type = typeSlot(event.type) else {
            statistics.unknownTypes += 1
            return false
        }
        let time = event.timestampMilliseconds
        if now != .min, Double(now - time) > settings.latenessMinutes * 60_000 {
            if settings.lateEvents == .drop {
                statistics.lateDropped += 1
                return false
            }
            statistics.lateApplied += 1
        }
        if time > now {
            now = time
            renormalizeIfNeeded()
        }
        statistics.applied += 1
        // The type's weight, times the event's value for implicit events that carry
        // one; a rating weighs as its type does.
        let weight = type == ratingTypeSlot ? typeWeights[type] : typeWeights[type] * (event.value ?? 1)
        let user: Int32
        if userHint >= 0 {
            user = userHint
            userTable.touch(user)
        } else {
            user = internUser(event.userID)
        }
        let item = itemHint >= 0 ? itemHint : items.intern(event.itemID).index
        itemTable.ensure(item)
        // One exponential per half-life and event, shared by every sum that uses it.
        let decay = Factors(user: userDecay.factor(at: time), popularity: popularityDecay.factor(at: time),
                            trending: trendingDecay.factor(at: time), cooccurrence: cooccurrenceDecay.factor(at: time))
        updateUser(user, type: type, stored: weight * decay.user, time: time)
        updateItem(item, type: type, weight: weight, decay: decay, time: time, event: event, user: user)
        if settings.cooccurrence { recordCooccurrence(user: user, item: item, stored: decay.cooccurrence) }
        userTable.recordRecent(user, item: item, time: time)
        evictIdleUsers(keeping: user)
        return true
    }

    /// The count column of an event type. A scan beats hashing for a handful of types.
    @inline(__always)
    private func typeSlot(_ type: String) -> Int? {
        if types.count <= 16 { return types.firstIndex(of: type) }
        return typeIndex[type]
    }

    private mutating func internUser(_ id: String) -> Int32 {
        if let existing = users.index(of: id) {
            userTable.touch(existing)
            return existing
        }
        if users.count >= settings.maxUsers, let oldest = userTable.leastRecentlyActive() {
            evict(oldest)
            statistics.evictedForCapacity += 1
        }
        let (user, _) = users.intern(id)
        userTable.reset(user)
        userTable.touch(user)
        return user
    }

    /// Forward-decay multipliers of one event's time.
    private struct Factors {
        var user: Double
        var popularity: Double
        var trending: Double
        var cooccurrence: Double
    }

    private mutating func updateUser(_ user: Int32, type: Int, stored: Double, time: Int64) {
        let u = Int(user)
        let day = time.floorDivided(by: 86_400_000)
        let hour = Int((time - day * 86_400_000) / 3_600_000)
        let weekday = Int(((day + 3) % 7 + 7) % 7)  // 1970-01-01 was a Thursday; Monday = 0
        userTable.records.withUnsafeMutableBufferPointer { records in
            records[u].decayed += stored
            records[u].firstSeen = min(records[u].firstSeen, time)
            records[u].lastSeen = max(records[u].lastSeen, time)
        }
        let base = u * userTable.counterStride
        let typeCount = types.count
        userTable.counters.withUnsafeMutableBufferPointer { counters in
            counters[base + type] &+= 1
            counters[base + typeCount + hour] &+= 1
            counters[base + typeCount + 24 + weekday] &+= 1
        }
    }

    private mutating func updateItem(
        _ item: Int32, type: Int, weight: Double, decay: Factors, time: Int64, event: borrowing Event, user: Int32
    ) {
        let i = Int(item)
        itemTable.counts[i * types.count + type] &+= 1
        let popularity = weight * decay.popularity
        let trending = weight * decay.trending
        let occurrence = decay.cooccurrence
        let newUser = userTable.recordConsumed(user, item: item)
        itemTable.records.withUnsafeMutableBufferPointer { records in
            records[i].popularity += popularity
            records[i].trending += trending
            records[i].occurrences += occurrence
            records[i].lastSeen = max(records[i].lastSeen, time)
            if newUser { records[i].distinctUsers &+= 1 }
        }
        // One pass over the (small) attribute dictionary instead of a hashed lookup per name.
        for (name, attribute) in event.item {
            if name == "category", let category = Self.categoryName(attribute) {
                let known = itemTable.records[i].category
                let index = known >= 0 && categories.id(at: known) == category ? known : categories.intern(category).index
                itemTable.records[i].category = index
                userTable.addCategory(user, category: index, stored: weight * decay.user)
            } else if case .number(let value) = attribute, let a = settings.numericAttributes.firstIndex(of: name) {
                itemTable.attributes[i * itemTable.attributeCount + a] = value
                attributeStatistics[a].add(value)
            }
        }
    }

    static func categoryName(_ attribute: EventAttribute?) -> String? {
        switch attribute {
        case .string(let text)? where !text.isEmpty: text
        case .number(let number)?: JSONWriter.numberText(number)
        default: nil
        }
    }

    /// Pairs the item with the user's most recent other items, both ways.
    private mutating func recordCooccurrence(user: Int32, item: Int32, stored: Double) {
        let base = Int(user) * userTable.recentCapacity
        var paired = 0
        for k in 0..<Int(userTable.records[Int(user)].recentCount) where paired < settings.cooccurrenceWindow {
            let other = userTable.recent[base + k].item
            if other == item { continue }
            itemTable.addNeighbour(item, other, stored: stored)
            itemTable.addNeighbour(other, item, stored: stored)
            paired += 1
        }
    }

    /// Evicts users idle longer than the TTL, a couple per event so that the work
    /// stays bounded.
    private mutating func evictIdleUsers(keeping current: Int32) {
        guard settings.userTTLHours > 0 else { return }
        let horizon = now - Int64(settings.userTTLHours * 3_600_000)
        for _ in 0..<2 {
            guard let oldest = userTable.leastRecentlyActive(), oldest != current,
                  userTable.records[Int(oldest)].lastSeen < horizon else { return }
            evict(oldest)
            statistics.evictedForTTL += 1
        }
    }

    private mutating func evict(_ user: Int32) {
        userTable.forget(user)
        users.remove(user)
    }

    /// Moves the decay landmarks forward and rescales stored sums, so that the
    /// exponents of forward decay never near Double's range.
    private mutating func renormalizeIfNeeded() {
        if userDecay.needsRenormalization(at: now) {
            let factor = userDecay.moveLandmark(to: now)
            for k in userTable.records.indices { userTable.records[k].decayed *= factor }
            for k in userTable.affinities.indices { userTable.affinities[k].weight *= factor }
        }
        if popularityDecay.needsRenormalization(at: now) {
            let factor = popularityDecay.moveLandmark(to: now)
            for k in itemTable.records.indices { itemTable.records[k].popularity *= factor }
        }
        if cooccurrenceDecay.needsRenormalization(at: now) {
            let factor = cooccurrenceDecay.moveLandmark(to: now)
            for k in itemTable.records.indices { itemTable.records[k].occurrences *= factor }
            for k in itemTable.neighbourWeights.indices {
                itemTable.neighbourWeights[k] *= factor
                itemTable.neighbourErrors[k] *= factor
            }
        }
        if trendingDecay.needsRenormalization(at: now) {
            let factor = trendingDecay.moveLandmark(to: now)
            for k in itemTable.records.indices { itemTable.records[k].trending *= factor }
        }
    }
}

/// What the store has done, for metrics and `inspect`.
public struct FeatureStoreStatistics: Sendable, Equatable {
    public var applied = 0
    /// Events later than the allowed lateness that were applied anyway.
    public var lateApplied = 0
    /// Events later than the allowed lateness that were dropped.
    public var lateDropped = 0
    public var unknownTypes = 0
    public var evictedForCapacity = 0
    public var evictedForTTL = 0
}

extension FeatureStore {
    /// Bytes of fixed per-user state: the record, counters, recent list, category
    /// affinities, the consumed list's handle and one eviction-queue entry. The
    /// consumed items themselves add 4 bytes each (up to `consumedItems`), and the
    /// id's interning about 20 more.
    public static func layoutBytesPerUser(settings: FeatureSettings, types: Int) -> Int {
        MemoryLayout<UserFeatureTable.Record>.stride + (types + 31) * 4
            + settings.recentItems * MemoryLayout<UserFeatureTable.Recent>.stride
            + settings.categoriesPerUser * MemoryLayout<UserFeatureTable.Affinity>.stride
            + MemoryLayout<ContiguousArray<Int32>>.stride + MemoryLayout<UserFeatureTable.Activity>.stride
    }

    /// Bytes of fixed per-item state: the record, counts, numeric attributes and
    /// the neighbour table (id, weight, error per candidate) when co-occurrence is on.
    public static func layoutBytesPerItem(settings: FeatureSettings, types: Int) -> Int {
        MemoryLayout<ItemFeatureTable.Record>.stride + types * 4 + settings.numericAttributes.count * 8
            + (settings.cooccurrence ? settings.neighbourCapacity * (4 + 8 + 8) : 0)
    }
}

extension FeatureStore {
    /// Equal state; what is derived from the schema follows from it.
    public static func == (lhs: FeatureStore, rhs: FeatureStore) -> Bool {
        lhs.schema == rhs.schema && lhs.settings == rhs.settings && lhs.now == rhs.now && lhs.statistics == rhs.statistics
            && lhs.users == rhs.users && lhs.items == rhs.items && lhs.categories == rhs.categories
            && lhs.userTable == rhs.userTable && lhs.itemTable == rhs.itemTable
            && lhs.userDecay == rhs.userDecay && lhs.popularityDecay == rhs.popularityDecay
            && lhs.trendingDecay == rhs.trendingDecay && lhs.cooccurrenceDecay == rhs.cooccurrenceDecay
            && lhs.attributeStatistics == rhs.attributeStatistics
    }
}
