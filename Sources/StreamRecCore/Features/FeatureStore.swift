import CCacheHints
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
/// or dropped as configured. Ids are interned to dense indices and state lives in
/// flat arrays. The store forgets nothing by itself: the engine moves users
/// beyond ``FeatureSettings/maxUsers`` or idle longer than the TTL out of memory
/// to its disk store and back (``exportUser(_:)``, ``importUser(_:from:)``);
/// items are kept (a catalogue is bounded).
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
    let typeWeights: [Double]
    /// Co-occurrence weight per type column: relative to the lightest implicit
    /// type with ``FeatureSettings/cooccurrenceTypeWeights``, else 1.
    let pairWeights: [Double]
    let ratingTypeSlot: Int?
    let purchaseType: Int?
    let viewType: Int?
    /// Per type column: whether its items stay out of rankings for good (not in
    /// ``FeatureSettings/recommendAgainTypes``).
    let lastingTypes: [Bool]

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

    public init(schema: EventSchema, settings: FeatureSettings) {
        self.schema = schema
        self.settings = settings
        types = schema.knownTypes
        typeIndex = Dictionary(uniqueKeysWithValues: types.enumerated().map { ($1, $0) })
        typeWeights = types.map { schema.weights[$0] ?? 0 }
        ratingTypeSlot = typeIndex[schema.ratingType]
        let lightest = zip(types, typeWeights).filter { $0.0 != schema.ratingType && $0.1 > 0 }.map(\.1).min() ?? 1
        pairWeights = zip(types, typeWeights).map { type, weight in
            settings.cooccurrenceTypeWeights && type != schema.ratingType ? weight / lightest : 1
        }
        purchaseType = typeIndex["purchase"]
        viewType = typeIndex["view"]
        lastingTypes = types.map { !settings.recommendAgainTypes.contains($0) }
        userTable = UserFeatureTable(typeCount: types.count, settings: settings)
        itemTable = ItemFeatureTable(
            typeCount: types.count, attributeCount: settings.numericAttributes.count, settings: settings)
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
        withUnsafePointer(to: event) {
            apply($0, userHint: -1, itemHint: -1, neighbourUpdates: nil, index: 0, sharing: nil)
        }
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

    /// ``apply(contentsOf:)`` sharing the item side (``ItemSideSharing``): events it
    /// marks skipped update only their user, and the item side of the others is logged.
    @discardableResult
    public mutating func apply(contentsOf events: [Event], sharing: inout ItemSideSharing) -> Int {
        withUnsafeMutablePointer(to: &sharing) { sharing in
            events.withUnsafeBufferPointer { apply(buffer: $0, sharing: sharing) }
        }
    }

    private mutating func apply(
        buffer events: UnsafeBufferPointer<Event>, sharing: UnsafeMutablePointer<ItemSideSharing>? = nil
    ) -> Int {
        let held = HeldNeighbourUpdates(neighbourUpdateRoom(for: events.count, atMost: Self.neighbourUpdatesHeld))
        let applied = apply(buffer: events, neighbourUpdates: held.batch, sharing: sharing)
        applyHeld(held, onTwoThreads: false)
        return applied
    }

    /// ``apply(contentsOf:)`` but for the co-occurrence updates held at the end,
    /// which the caller applies with ``applyHeld(_:onTwoThreads:)`` before the store
    /// is read or changed again. Those are most of a large batch's work, and they
    /// can be spread over two threads: a caller that runs this alongside other work
    /// (the hybrid's factor model) then gives them both cores. They are sorted by
    /// item here, on the thread that held them, so that the flush only applies.
    mutating func applyHoldingNeighbourUpdates(
        contentsOf events: [Event], sharing: UnsafeMutablePointer<ItemSideSharing>? = nil
    ) -> HeldNeighbourUpdates {
        let held = HeldNeighbourUpdates(
            neighbourUpdateRoom(for: events.count, atMost: Self.neighbourUpdatesHeldForTwoThreads))
        _ = events.withUnsafeBufferPointer { apply(buffer: $0, neighbourUpdates: held.batch, sharing: sharing) }
        held.batch?.pointee.group(slots: itemTable.slots)
        return held
    }

    /// Room for the co-occurrence updates of `events` events (at most two per
    /// pairing, `cooccurrenceWindow` pairings per event), up to `limit`: a small
    /// batch does not allocate a large batch's buffers. None without co-occurrence.
    private func neighbourUpdateRoom(for events: Int, atMost limit: Int) -> Int {
        guard settings.cooccurrence else { return 0 }
        return min(limit, max(2, events * 2 * settings.cooccurrenceWindow))
    }

    /// Applies what ``applyHoldingNeighbourUpdates(contentsOf:)`` held, and frees it.
    mutating func applyHeld(_ held: consuming HeldNeighbourUpdates, onTwoThreads: Bool) {
        guard let batch = held.batch else { return }
        batch.pointee.flush(into: &itemTable, onTwoThreads: onTwoThreads)
    }

    /// Runs four stages over windows of events, each a window ahead of the next:
    /// hash the ids and prefetch their interner slots; look the ids up and prefetch
    /// the state they index; prefetch the user's consumed list, whose address is
    /// known only now; apply. A cache miss then overlaps the work on other events
    /// instead of stalling it.
    private mutating func apply(
        buffer events: UnsafeBufferPointer<Event>, neighbourUpdates: UnsafeMutablePointer<NeighbourUpdateBatch>?,
        sharing: UnsafeMutablePointer<ItemSideSharing>?
    ) -> Int {
        let window = 16
        let stages = 4
        let windows = (events.count + window - 1) / window
        var applied = 0
        // One ring entry per window in flight. Plain allocations, not closures: a
        // closure capturing `self` here copied the whole store.
        let hashes = UnsafeMutablePointer<(user: UInt64, item: UInt64)>.allocate(capacity: stages * window)
        let hints = UnsafeMutablePointer<(user: Int32, item: Int32)>.allocate(capacity: stages * window)
        defer {
            hashes.deallocate()
            hints.deallocate()
        }
        func range(_ w: Int) -> Range<Int> { (w * window)..<min((w + 1) * window, events.count) }
        func ring(_ w: Int, _ index: Int) -> Int { (w % stages) * window + index - w * window }

        for w in 0..<(windows + stages - 1) {
            if w < windows {
                for index in range(w) {
                    let hash = (
                        user: IDInterner.hash(events[index].userID), item: IDInterner.hash(events[index].itemID)
                    )
                    users.prefetchSlot(hash: hash.user)
                    items.prefetchSlot(hash: hash.item)
                    hashes[ring(w, index)] = hash
                }
            }
            if case let looked = w - 1, looked >= 0, looked < windows {
                for index in range(looked) {
                    let hash = hashes[ring(looked, index)]
                    let user = users.index(of: events[index].userID, hash: hash.user) ?? -1
                    let item = items.index(of: events[index].itemID, hash: hash.item) ?? -1
                    hints[ring(looked, index)] = (user, item)
                    warm(user: user, item: item)
                }
            }
            if case let listed = w - 2, listed >= 0, listed < windows {
                for index in range(listed) where hints[ring(listed, index)].user >= 0 {
                    userTable.prefetchConsumed(hints[ring(listed, index)].user)
                }
            }
            if case let applying = w - 3, applying >= 0 {
                // Nothing leaves memory while a batch is applied (users move out
                // between batches, see FeatureStore+Users), so a looked-up index stays valid.
                for index in range(applying) {
                    let hint = hints[ring(applying, index)]
                    if apply(
                        events.baseAddress! + index, userHint: hint.user, itemHint: hint.item,
                        neighbourUpdates: neighbourUpdates, index: index, sharing: sharing)
                    {
                        applied += 1
                    }
                }
            }
        }
        return applied
    }

    /// Co-occurrence updates a batch holds at most before applying them: 2 MiB of
    /// buffers, a few thousand events' worth at a window of 10.
    static let neighbourUpdatesHeld = 1 << 16
    /// The same when the last of them go to two threads: 16 MiB, most of a
    /// 20,000-event batch at a window of 10, so that most of the work is in the
    /// part that gets both threads.
    static let neighbourUpdatesHeldForTwoThreads = 1 << 19

    /// Asks for every cache line an event's update will touch (the user's record,
    /// counters, recent list, affinities and the handle of the consumed list; the
    /// item's record and counts) without waiting for them: prefetches, unlike
    /// loads, do not stall.
    @inline(__always)
    private func warm(user: Int32, item: Int32) {
        if user >= 0 {
            let u = Int(user)
            userTable.records.withUnsafeBufferPointer {
                prefetchLines($0.baseAddress! + u, bytes: MemoryLayout<UserFeatureTable.Record>.stride)
            }
            userTable.counters.withUnsafeBufferPointer {
                prefetchLines($0.baseAddress! + u * userTable.counterStride, bytes: 4 * userTable.counterStride)
            }
            userTable.recent.withUnsafeBufferPointer {
                prefetchLines(
                    $0.baseAddress! + u * userTable.recentCapacity,
                    bytes: MemoryLayout<UserFeatureTable.Recent>.stride * userTable.recentCapacity)
            }
            userTable.affinities.withUnsafeBufferPointer {
                prefetchLines(
                    $0.baseAddress! + u * userTable.categoryCapacity,
                    bytes: MemoryLayout<UserFeatureTable.Affinity>.stride * userTable.categoryCapacity)
            }
            userTable.consumed.withUnsafeBufferPointer { streamrec_prefetch($0.baseAddress! + u) }
        }
        if item >= 0 {
            itemTable.records.withUnsafeBufferPointer { streamrec_prefetch_for_write($0.baseAddress! + Int(item)) }
            itemTable.counts.withUnsafeBufferPointer {
                streamrec_prefetch_for_write($0.baseAddress! + Int(item) * types.count)
            }
        }
    }

    /// Applies the event at `event`: a pointer, because an `Event` passed by value
    /// from a buffer was copied (its dictionaries retained and released) per call.
    /// Co-occurrence updates go to `neighbourUpdates` when given, else straight to the tables.
    /// `sharing`, when given, may skip the item side of the batch's event `index`, and logs it otherwise.
    private mutating func apply(
        _ event: UnsafePointer<Event>, userHint: Int32, itemHint: Int32,
        neighbourUpdates: UnsafeMutablePointer<NeighbourUpdateBatch>?,
        index: Int, sharing: UnsafeMutablePointer<ItemSideSharing>?
    ) -> Bool {
        guard let type = typeSlot(event.pointee.type) else {
            statistics.unknownTypes += 1
            return false
        }
        let time = event.pointee.timestampMilliseconds
        if now != .min, Double(now - time) > settings.latenessMinutes * 60_000 {
            if settings.lateEvents == .drop {
                statistics.lateDropped += 1
                return false
            }
            statistics.lateApplied += 1
        }
        if time > now {
            now = time
            renormalizeIfNeeded(neighbourUpdates: neighbourUpdates)
        }
        statistics.applied += 1
        // The type's weight, times the event's value for implicit events that carry
        // one; a rating weighs as its type does.
        let weight = type == ratingTypeSlot ? typeWeights[type] : typeWeights[type] * (event.pointee.value ?? 1)
        let user: Int32
        if userHint >= 0 {
            user = userHint
            userTable.touch(user)
        } else {
            user = internUser(event.pointee.userID)
        }
        let item = itemHint >= 0 ? itemHint : items.intern(event.pointee.itemID).index
        itemTable.ensure(item)
        // One exponential per half-life and event, shared by every sum that uses it.
        let decay = Factors(
            user: userDecay.factor(at: time), popularity: popularityDecay.factor(at: time),
            trending: trendingDecay.factor(at: time),
            // Only similarity reads co-occurrence counts: without it, neither is kept.
            cooccurrence: settings.cooccurrence ? cooccurrenceDecay.factor(at: time) : 0)
        updateUser(user, type: type, stored: weight * decay.user, time: time)
        let itemSide = !(sharing?.pointee.skips(index) ?? false)
        let newUser = updateItem(
            item, type: type, weight: weight, decay: decay, time: time, event: event, user: user, itemSide: itemSide)
        guard itemSide else {
            userTable.recordRecent(user, item: item, time: time)
            return true
        }
        sharing?.pointee.log?.begin(event: index, newUser: newUser)
        if settings.cooccurrence {
            recordCooccurrence(
                user: user, item: item, stored: decay.cooccurrence * pairWeights[type],
                neighbourUpdates: neighbourUpdates,
                sharing: sharing)
        }
        userTable.recordRecent(user, item: item, time: time)
        return true
    }

    /// The count column of an event type. A scan beats hashing for a handful of types.
    @inline(__always)
    func typeSlot(_ type: String) -> Int? {
        if types.count <= 16 { return types.firstIndex(of: type) }
        return typeIndex[type]
    }

    private mutating func internUser(_ id: String) -> Int32 {
        if let existing = users.index(of: id) {
            userTable.touch(existing)
            return existing
        }
        let (user, _) = users.intern(id)
        userTable.reset(user)
        userTable.touch(user)
        return user
    }

    /// Forward-decay multipliers of one event's time.
    struct Factors {
        var user: Double
        var popularity: Double
        var trending: Double
        var cooccurrence: Double
    }

    private mutating func updateUser(_ user: Int32, type: Int, stored: Double, time: Int64) {
        let u = Int(user)
        let (hour, weekday) = Self.hourAndWeekday(time)
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

    /// Updates the item and what the user keeps of it (consumed items, category
    /// affinity). Without `itemSide` the item's own state is left as it is: another
    /// instance's share brought it already. Returns whether the user is new to the item.
    private mutating func updateItem(
        _ item: Int32, type: Int, weight: Double, decay: Factors, time: Int64, event: UnsafePointer<Event>,
        user: Int32, itemSide: Bool
    ) -> Bool {
        let i = Int(item)
        let newUser = userTable.recordConsumed(user, item: item, lasting: lastingTypes[type])
        if itemSide { countItemEvent(item, type: type, weight: weight, decay: decay, time: time, newUser: newUser) }
        // One pass over the (small) attribute dictionary instead of a hashed lookup per name.
        for (name, attribute) in event.pointee.item {
            if name == "category", let category = Self.categoryName(attribute) {
                let index = setCategory(of: i, to: category)
                userTable.addCategory(user, category: index, stored: weight * decay.user)
            } else if itemSide, case .number(let value) = attribute,
                let a = settings.numericAttributes.firstIndex(of: name)
            {
                setAttribute(a, of: i, to: value)
            }
        }
        return newUser
    }

    /// The item's counters, decayed sums and distinct users, for one event.
    @inline(__always)
    mutating func countItemEvent(_ item: Int32, type: Int, weight: Double, decay: Factors, time: Int64, newUser: Bool) {
        let i = Int(item)
        itemTable.counts[i * types.count + type] &+= 1
        let popularity = weight * decay.popularity
        let trending = weight * decay.trending
        let occurrence = decay.cooccurrence * pairWeights[type]
        itemTable.records.withUnsafeMutableBufferPointer { records in
            records[i].popularity += popularity
            records[i].trending += trending
            records[i].occurrences += occurrence
            records[i].lastSeen = max(records[i].lastSeen, time)
            if newUser { records[i].distinctUsers &+= 1 }
        }
        itemTable.occurrenceScales[i] = itemTable.scale(itemTable.records[i].occurrences)
    }

    /// Sets the item's category and returns its index.
    mutating func setCategory(of i: Int, to category: String) -> Int32 {
        let known = itemTable.records[i].category
        let index = known >= 0 && categories.id(at: known) == category ? known : categories.intern(category).index
        itemTable.records[i].category = index
        return index
    }

    mutating func setAttribute(_ a: Int, of i: Int, to value: Double) {
        itemTable.attributes[i * itemTable.attributeCount + a] = value
        attributeStatistics[a].add(value)
    }

    /// The hour of day (UTC) and weekday (Monday = 0) of an event time.
    @inline(__always)
    static func hourAndWeekday(_ time: Int64) -> (hour: Int, weekday: Int) {
        let day = time.floorDivided(by: 86_400_000)
        let hour = Int((time - day * 86_400_000) / 3_600_000)
        let weekday = Int(((day + 3) % 7 + 7) % 7)  // 1970-01-01 was a Thursday
        return (hour, weekday)
    }

    static func categoryName(_ attribute: EventAttribute?) -> String? {
        switch attribute {
        case .string(let text)? where !text.isEmpty: text
        case .number(let number)?: JSONWriter.numberText(number)
        default: nil
        }
    }

    /// Pairs the item with the user's most recent other items, both ways, each
    /// weighted `cooccurrencePairDecay` times less than the one after it, and
    /// counts the transition from the most recent of them to the item.
    private mutating func recordCooccurrence(
        user: Int32, item: Int32, stored: Double, neighbourUpdates: UnsafeMutablePointer<NeighbourUpdateBatch>?,
        sharing: UnsafeMutablePointer<ItemSideSharing>?
    ) {
        let base = Int(user) * userTable.recentCapacity
        var paired = 0
        var weight = stored
        for k in 0..<Int(userTable.records[Int(user)].recentCount) where paired < settings.cooccurrenceWindow {
            let other = userTable.recent[base + k].item
            if other == item { continue }
            sharing?.pointee.log?.pair(other)
            // The first is the item the user had before this one: a transition.
            if paired == 0 { itemTable.addSuccessor(other, item, stored: stored) }
            pair(item, other, stored: weight, neighbourUpdates: neighbourUpdates)
            paired += 1
            weight *= settings.cooccurrencePairDecay
        }
    }

    /// Adds co-occurrence weight both ways: held in `neighbourUpdates` when given
    /// (applied first when it is full), else straight to the tables.
    @inline(__always)
    mutating func pair(
        _ item: Int32, _ other: Int32, stored: Double, neighbourUpdates: UnsafeMutablePointer<NeighbourUpdateBatch>?
    ) {
        guard let neighbourUpdates else {
            itemTable.addNeighbour(item, other, stored: stored)
            itemTable.addNeighbour(other, item, stored: stored)
            return
        }
        if neighbourUpdates.pointee.count + 2 > neighbourUpdates.pointee.capacity {
            neighbourUpdates.pointee.flush(into: &itemTable)
        }
        neighbourUpdates.pointee.append(item: item, neighbour: other, weight: stored)
        neighbourUpdates.pointee.append(item: other, neighbour: item, weight: stored)
    }

    /// Moves the decay landmarks forward and rescales stored sums, so that the
    /// exponents of forward decay never near Double's range.
    /// Held co-occurrence updates are applied first: they were weighed against
    /// the old landmark.
    mutating func renormalizeIfNeeded(neighbourUpdates: UnsafeMutablePointer<NeighbourUpdateBatch>?) {
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
            neighbourUpdates?.pointee.flush(into: &itemTable)
            let factor = cooccurrenceDecay.moveLandmark(to: now)
            for k in itemTable.records.indices { itemTable.records[k].occurrences *= factor }
            itemTable.rescaleOccurrences()
            for k in itemTable.neighbourWeights.indices {
                itemTable.neighbourWeights[k] *= factor
                itemTable.neighbourErrors[k] *= factor
            }
            for k in itemTable.successorWeights.indices {
                itemTable.successorWeights[k] *= factor
                itemTable.successorErrors[k] *= factor
            }
            itemTable.rebuildMinima()
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
    /// the neighbour and successor tables (id, weight, error per candidate) when co-occurrence is on.
    public static func layoutBytesPerItem(settings: FeatureSettings, types: Int) -> Int {
        MemoryLayout<ItemFeatureTable.Record>.stride + types * 4 + settings.numericAttributes.count * 8
            + (settings.cooccurrence ? (settings.neighbourCapacity + settings.successorCapacity) * (4 + 8 + 8) : 0)
    }
}

extension FeatureStore {
    /// Equal state; what is derived from the schema follows from it.
    public static func == (lhs: FeatureStore, rhs: FeatureStore) -> Bool {
        lhs.schema == rhs.schema && lhs.settings == rhs.settings && lhs.now == rhs.now
            && lhs.statistics == rhs.statistics
            && lhs.users == rhs.users && lhs.items == rhs.items && lhs.categories == rhs.categories
            && lhs.userTable == rhs.userTable && lhs.itemTable == rhs.itemTable
            && lhs.userDecay == rhs.userDecay && lhs.popularityDecay == rhs.popularityDecay
            && lhs.trendingDecay == rhs.trendingDecay && lhs.cooccurrenceDecay == rhs.cooccurrenceDecay
            && lhs.attributeStatistics == rhs.attributeStatistics
    }
}
