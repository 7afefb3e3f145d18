extension FeatureStore {
    static let snapshotKind = "FEAT"
    static let snapshotVersion: UInt16 = 4

    /// The whole store as a versioned, checksummed snapshot.
    public func snapshot() -> [UInt8] {
        SnapshotEnvelope.sealing(kind: Self.snapshotKind, version: Self.snapshotVersion) { w in
            encode(schema, settings, into: &w)
            for interner in [users, items, categories] {
                w.write(interner.ids)
                w.write(block: interner.free)
            }
            w.write(now)
            for decay in [userDecay, popularityDecay, trendingDecay, cooccurrenceDecay] { w.write(decay.landmark) }
            w.write(UInt64(attributeStatistics.count))
            for statistics in attributeStatistics {
                w.write(UInt64(statistics.count))
                w.write(statistics.mean)
                w.write(statistics.sumOfSquaredDeviations)
            }
            // Two reserved counters follow the four: the store once dropped users itself.
            for value in [
                statistics.applied, statistics.lateApplied, statistics.lateDropped, statistics.unknownTypes, 0, 0,
            ] { w.write(Int64(value)) }
            let u = userTable
            w.write(block: u.records); w.write(block: u.counters); w.write(block: u.recent);
            w.write(block: u.affinities)
            w.write(UInt64(u.consumed.count))
            for list in u.consumed { w.write(block: Array(list)) }
            w.write(block: u.liveActivity)
            w.write(u.nextStamp)
            let i = itemTable
            w.write(block: i.records); w.write(block: i.counts); w.write(block: i.attributes)
            w.write(block: i.neighbourItems); w.write(block: i.neighbourWeights); w.write(block: i.neighbourErrors)
            w.write(block: i.successorItems); w.write(block: i.successorWeights); w.write(block: i.successorErrors)
        }
    }

    /// Restores a store from ``snapshot()``, with the schema and settings it was
    /// written with. Throws ``StreamRecError`` on any corruption or truncation.
    public init(snapshot bytes: [UInt8]) throws(StreamRecError) {
        let (payload, version) = try SnapshotEnvelope.open(
            bytes, kind: Self.snapshotKind, versions: 1...Self.snapshotVersion)
        var r = BinaryReader(payload)
        let (schema, settings) = try Self.decodeConfiguration(&r, version: version)
        var store = FeatureStore(schema: schema, settings: settings)
        store.users = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        store.items = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        store.categories = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        store.now = try r.read()
        store.userDecay = ForwardDecay(halfLifeHours: settings.userHalfLifeHours, landmark: try r.read())
        store.popularityDecay = ForwardDecay(halfLifeHours: settings.popularityHalfLifeHours, landmark: try r.read())
        store.trendingDecay = ForwardDecay(halfLifeHours: settings.trendingHalfLifeHours, landmark: try r.read())
        store.cooccurrenceDecay = ForwardDecay(
            halfLifeHours: settings.cooccurrenceHalfLifeHours, landmark: try r.read())
        let attributeCount = Int(try r.read(UInt64.self))
        guard attributeCount == settings.numericAttributes.count else {
            throw StreamRecError.snapshot(
                "inconsistent snapshot: \(attributeCount) attribute statistics for \(settings.numericAttributes.count) attributes"
            )
        }
        store.attributeStatistics = []
        for _ in 0..<attributeCount {
            store.attributeStatistics.append(
                WelfordStatistics(count: Int(try r.read(UInt64.self)), mean: try r.readDouble(), m2: try r.readDouble())
            )
        }
        var counters: [Int] = []
        for _ in 0..<6 { counters.append(Int(try r.read(Int64.self))) }
        store.statistics = FeatureStoreStatistics(
            applied: counters[0], lateApplied: counters[1], lateDropped: counters[2],
            unknownTypes: counters[3])
        var u = store.userTable
        u.records = try r.readBlock(); u.counters = try r.readBlock(); u.recent = try r.readBlock();
        u.affinities = try r.readBlock()
        let consumedCount = Int(try r.read(UInt64.self))
        guard consumedCount == u.records.count else {  // one list per slot
            throw StreamRecError.snapshot(
                "inconsistent snapshot: \(consumedCount) consumed lists for \(u.records.count) user slots")
        }
        u.consumed = []
        u.consumed.reserveCapacity(consumedCount)
        for _ in 0..<consumedCount { u.consumed.append(ContiguousArray(try r.readBlock(Int32.self))) }
        u.activityQueue = try r.readBlock()
        u.activityHead = 0
        u.nextStamp = try r.read()
        var i = store.itemTable
        i.records = try r.readBlock(); i.counts = try r.readBlock(); i.attributes = try r.readBlock()
        i.neighbourItems = try r.readBlock(); i.neighbourWeights = try r.readBlock();
        i.neighbourErrors = try r.readBlock()
        if version >= 2 {
            i.successorItems = try r.readBlock(); i.successorWeights = try r.readBlock()
            i.successorErrors = try r.readBlock()
        }
        guard r.remaining == 0 else {
            throw StreamRecError.snapshot("inconsistent snapshot: \(r.remaining) unexpected bytes at the end")
        }
        try Self.checkShapes(
            u, i, users: store.users.capacity, items: store.items.capacity, categories: store.categories.capacity)
        i.rescaleOccurrences()
        i.rebuildMinima()
        store.userTable = u
        store.itemTable = i
        self = store
    }

    /// Every per-entity array must match the number of slots, and every stored
    /// index must point inside its table, or a later access would trap: a
    /// checksum-valid but inconsistent snapshot is refused here.
    private static func checkShapes(
        _ u: UserFeatureTable, _ i: ItemFeatureTable, users: Int, items: Int, categories: Int
    ) throws(StreamRecError) {
        // Arrays grow ahead of use: at least one slot per interned id, all arrays of a table alike.
        let userSlots = u.records.count, itemSlots = i.records.count
        guard userSlots >= users, itemSlots >= items else {
            throw StreamRecError.snapshot(
                "inconsistent snapshot: \(userSlots) user slots for \(users) users, \(itemSlots) item slots for \(items) items"
            )
        }
        let userArrays: [(String, Int, Int)] = [
            ("counters", u.counters.count, u.counterStride), ("recent", u.recent.count, u.recentCapacity),
            ("affinities", u.affinities.count, u.categoryCapacity),
        ]
        let itemArrays: [(String, Int, Int)] = [
            ("counts", i.counts.count, i.typeCount), ("attributes", i.attributes.count, i.attributeCount),
            ("neighbourItems", i.neighbourItems.count, i.neighbourCapacity),
            ("neighbourWeights", i.neighbourWeights.count, i.neighbourCapacity),
            ("neighbourErrors", i.neighbourErrors.count, i.neighbourCapacity),
            ("successorItems", i.successorItems.count, i.successorCapacity),
            ("successorWeights", i.successorWeights.count, i.successorCapacity),
            ("successorErrors", i.successorErrors.count, i.successorCapacity),
        ]
        for (name, count, stride) in userArrays where count != userSlots * stride {
            throw StreamRecError.snapshot(
                "inconsistent snapshot: user \(name) has \(count) values for \(userSlots) slots")
        }
        for (name, count, stride) in itemArrays where count != itemSlots * stride {
            throw StreamRecError.snapshot(
                "inconsistent snapshot: item \(name) has \(count) values for \(itemSlots) slots")
        }
        let inItems = { (value: Int32) in value >= -1 && Int(value) < itemSlots }
        let inCategories = { (value: Int32) in value >= -1 && Int(value) < categories }
        guard
            u.records.allSatisfy({
                Int($0.recentCount) <= u.recentCapacity && Int($0.categoryCount) <= u.categoryCapacity
            }),
            i.records.allSatisfy({
                Int($0.neighbourCount) <= i.neighbourCapacity && Int($0.successorCount) <= i.successorCapacity
            }),
            u.recent.allSatisfy({ inItems($0.item) }), i.neighbourItems.allSatisfy(inItems),
            i.successorItems.allSatisfy(inItems),
            u.affinities.allSatisfy({ inCategories($0.category) }), i.records.allSatisfy({ inCategories($0.category) }),
            u.activityQueue.allSatisfy({ $0.user >= 0 && Int($0.user) < userSlots }),
            u.consumed.allSatisfy({
                $0.allSatisfy {
                    Int(UserFeatureTable.consumedEntry($0).item) < itemSlots && ($0 >= 0 || u.tracksPassing)
                }
            })
        else { throw StreamRecError.snapshot("inconsistent snapshot: an index or count points outside its table") }
    }

    private func encode(_ schema: EventSchema, _ settings: FeatureSettings, into w: inout BinaryWriter) {
        let weights = schema.weights.sorted { $0.key < $1.key }
        w.write(UInt64(weights.count))
        for (type, weight) in weights { w.write(type); w.write(weight) }
        w.write(schema.ratingType); w.write(Int64(schema.maxIDBytes)); w.write(Int64(schema.maxPayloadBytes))
        w.write(schema.ratingRange.lowerBound); w.write(schema.ratingRange.upperBound)
        w.write(schema.timestampRange.lowerBound); w.write(schema.timestampRange.upperBound)
        for value in [
            settings.userHalfLifeHours, settings.popularityHalfLifeHours, settings.trendingHalfLifeHours,
            settings.cooccurrenceHalfLifeHours, settings.userTTLHours, settings.latenessMinutes,
        ] { w.write(value) }
        for value in [
            settings.recentItems, settings.consumedItems, settings.categoriesPerUser, settings.cooccurrenceWindow,
            settings.neighbours, settings.neighbourCapacity, settings.maxUsers,
        ] { w.write(Int64(value)) }
        w.write(settings.cooccurrence)
        w.write(settings.lateEvents.rawValue)
        w.write(settings.numericAttributes)
        w.write(settings.cooccurrencePairDecay)
        w.write(settings.cooccurrenceTypeWeights)
        w.write(Int64(settings.successorCapacity))
        w.write(settings.recommendAgainTypes)
        w.write(Int64(settings.recommendAgainAfter))
        w.write(settings.cooccurrenceDamping)
    }

    /// Format 1 was written before pairings were weighted by distance and type (all
    /// alike), format 2 before items could be recommended again (none could), format
    /// 3 before the damping of co-occurrence could be set (it was cosine, 0.5).
    private static func decodeConfiguration(
        _ r: inout BinaryReader, version: UInt16
    ) throws(StreamRecError) -> (EventSchema, FeatureSettings) {
        var schema = EventSchema()
        schema.weights = [:]
        let typeCount = Int(try r.read(UInt64.self))
        guard typeCount <= r.remaining else {
            throw StreamRecError.snapshot("snapshot truncated or corrupt: \(typeCount) event types announced")
        }
        for _ in 0..<typeCount { schema.weights[try r.readString()] = try r.readDouble() }
        schema.ratingType = try r.readString()
        schema.maxIDBytes = Int(try r.read(Int64.self))
        schema.maxPayloadBytes = Int(try r.read(Int64.self))
        let (ratingLow, ratingHigh) = (try r.readDouble(), try r.readDouble())
        let (timeLow, timeHigh) = (try r.read(Int64.self), try r.read(Int64.self))
        guard ratingLow <= ratingHigh, timeLow <= timeHigh else {
            throw StreamRecError.snapshot("inconsistent snapshot: inverted ranges")
        }
        schema.ratingRange = ratingLow...ratingHigh
        schema.timestampRange = timeLow...timeHigh
        var settings = FeatureSettings()
        settings.userHalfLifeHours = try r.readDouble()
        settings.popularityHalfLifeHours = try r.readDouble()
        settings.trendingHalfLifeHours = try r.readDouble()
        settings.cooccurrenceHalfLifeHours = try r.readDouble()
        settings.userTTLHours = try r.readDouble()
        settings.latenessMinutes = try r.readDouble()
        var integers: [Int] = []
        for _ in 0..<7 {
            let value = try r.read(Int64.self)
            guard (0...100_000_000).contains(value) else {
                throw StreamRecError.snapshot("inconsistent snapshot: setting out of range (\(value))")
            }
            integers.append(Int(value))
        }
        (settings.recentItems, settings.consumedItems, settings.categoriesPerUser, settings.cooccurrenceWindow) =
            (integers[0], integers[1], integers[2], integers[3])
        (settings.neighbours, settings.neighbourCapacity, settings.maxUsers) = (integers[4], integers[5], integers[6])
        settings.cooccurrence = try r.readBool()
        guard let policy = FeatureSettings.LatePolicy(rawValue: try r.readString()) else {
            throw StreamRecError.snapshot("inconsistent snapshot: unknown late-event policy")
        }
        settings.lateEvents = policy
        settings.numericAttributes = try r.readStrings()
        if version >= 2 {
            settings.cooccurrencePairDecay = try r.readDouble()
            guard (0...1).contains(settings.cooccurrencePairDecay) else {
                throw StreamRecError.snapshot("inconsistent snapshot: pair decay out of range")
            }
            settings.cooccurrenceTypeWeights = try r.readBool()
            let successors = try r.read(Int64.self)
            guard (0...Int64(UInt16.max)).contains(successors) else {
                throw StreamRecError.snapshot("inconsistent snapshot: successor capacity out of range")
            }
            settings.successorCapacity = Int(successors)
        }
        if version >= 3 {
            settings.recommendAgainTypes = try r.readStrings()
            let after = try r.read(Int64.self)
            guard (0...Int64(settings.recentItems)).contains(after) else {
                throw StreamRecError.snapshot("inconsistent snapshot: recommend-again distance out of range")
            }
            settings.recommendAgainAfter = Int(after)
        }
        if version >= 4 {
            settings.cooccurrenceDamping = try r.readDouble()
            guard (0...1).contains(settings.cooccurrenceDamping) else {
                throw StreamRecError.snapshot("inconsistent snapshot: co-occurrence damping out of range")
            }
        }
        return (schema, settings)
    }
}
