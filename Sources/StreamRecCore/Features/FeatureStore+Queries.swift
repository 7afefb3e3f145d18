import Foundation

/// A user's features as of the store's `now`.
public struct UserFeatures: Sendable, Equatable {
    public var userID: String
    public var events: Int
    /// Events per type (types with none are left out).
    public var counts: [String: Int]
    /// Time-decayed interaction weight at `now`.
    public var decayedWeight: Double
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// Most recent distinct items, newest first, with the time of the latest interaction.
    public var recentItems: [RecentItem]
    /// Decayed affinity per item category at `now`, strongest first.
    public var categoryAffinity: [CategoryAffinity]
    /// Events per hour of day (UTC), 24 entries.
    public var hourHistogram: [Int]
    /// Events per weekday, Monday first, 7 entries.
    public var weekdayHistogram: [Int]
    /// How many distinct items are remembered as consumed.
    public var consumedItems: Int
}

/// An item's features as of the store's `now`.
public struct ItemFeatures: Sendable, Equatable {
    public var itemID: String
    public var events: Int
    public var counts: [String: Int]
    public var distinctUsers: Int
    /// Decayed weight with the popularity half-life, at `now`.
    public var popularity: Double
    /// Short- over long-half-life popularity, scaled so that a steady rate reads 1;
    /// above 1 the item is rising.
    public var trend: Double
    /// Purchases per view, when the item has views and the schema has both types.
    public var conversionRate: Double?
    public var category: String?
    /// Latest value of each numeric attribute and its standardized value.
    public var attributes: [String: NumericAttribute]
    public var lastSeen: Int64
}

/// An item in a user's recent list.
public struct RecentItem: Sendable, Equatable {
    public var itemID: String
    public var time: Int64
}

/// A user's decayed affinity for a category.
public struct CategoryAffinity: Sendable, Equatable {
    public var category: String
    public var weight: Double
}

/// A numeric attribute's latest value and its z-score against all values seen.
public struct NumericAttribute: Sendable, Equatable {
    public var value: Double
    public var standardized: Double
}

/// An item and a score, as rankings return them.
public struct ScoredItem: Sendable, Equatable {
    public var itemID: String
    public var score: Double
    /// The item's event count, for context.
    public var events: Int

    public init(itemID: String, score: Double, events: Int) {
        self.itemID = itemID
        self.score = score
        self.events = events
    }
}

extension FeatureStore {
    public func userFeatures(_ userID: String) -> UserFeatures? {
        guard let user = users.index(of: userID) else { return nil }
        let u = Int(user)
        let record = userTable.records[u]
        let typeCount = types.count
        let base = u * userTable.counterStride
        var counts: [String: Int] = [:]
        for (k, type) in types.enumerated() where userTable.counters[base + k] > 0 {
            counts[type] = Int(userTable.counters[base + k])
        }
        let recentBase = u * userTable.recentCapacity
        let recent = (0..<Int(record.recentCount)).map {
            RecentItem(
                itemID: items.id(at: userTable.recent[recentBase + $0].item),
                time: userTable.recent[recentBase + $0].time)
        }
        let categoryBase = u * userTable.categoryCapacity
        let affinity = (0..<Int(record.categoryCount)).map {
            CategoryAffinity(
                category: categories.id(at: userTable.affinities[categoryBase + $0].category),
                weight: userDecay.value(userTable.affinities[categoryBase + $0].weight, at: now))
        }.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.category < $1.category }
        return UserFeatures(
            userID: userID, events: counts.values.reduce(0, +), counts: counts,
            decayedWeight: userDecay.value(record.decayed, at: now),
            firstSeen: record.firstSeen, lastSeen: record.lastSeen,
            recentItems: recent, categoryAffinity: affinity,
            hourHistogram: userTable.counters[(base + typeCount)..<(base + typeCount + 24)].map(Int.init),
            weekdayHistogram: userTable.counters[(base + typeCount + 24)..<(base + typeCount + 31)].map(Int.init),
            consumedItems: userTable.consumed[u].count)
    }

    public func itemFeatures(_ itemID: String) -> ItemFeatures? {
        guard let item = items.index(of: itemID) else { return nil }
        let i = Int(item)
        let typeCount = types.count
        var counts: [String: Int] = [:]
        for (k, type) in types.enumerated() where itemTable.counts[i * typeCount + k] > 0 {
            counts[type] = Int(itemTable.counts[i * typeCount + k])
        }
        var conversion: Double?
        if let purchase = purchaseType, let view = viewType, itemTable.counts[i * typeCount + view] > 0 {
            conversion =
                Double(itemTable.counts[i * typeCount + purchase]) / Double(itemTable.counts[i * typeCount + view])
        }
        var attributes: [String: NumericAttribute] = [:]
        for (a, name) in settings.numericAttributes.enumerated() {
            let value = itemTable.attributes[i * itemTable.attributeCount + a]
            if !value.isNaN {
                attributes[name] = NumericAttribute(
                    value: value, standardized: attributeStatistics[a].standardized(value))
            }
        }
        let record = itemTable.records[i]
        return ItemFeatures(
            itemID: itemID, events: counts.values.reduce(0, +), counts: counts,
            distinctUsers: Int(record.distinctUsers),
            popularity: popularityDecay.value(record.popularity, at: now), trend: trend(of: item),
            conversionRate: conversion, category: record.category >= 0 ? categories.id(at: record.category) : nil,
            attributes: attributes, lastSeen: record.lastSeen)
    }

    func trend(of item: Int32) -> Double {
        let record = itemTable.records[Int(item)]
        let long = popularityDecay.value(record.popularity, at: now)
        guard long > 0 else { return 0 }
        let short = trendingDecay.value(record.trending, at: now)
        return short / long * (settings.popularityHalfLifeHours / settings.trendingHalfLifeHours)
    }

    /// Items most often interacted with together with `itemID` (within each user's
    /// co-occurrence window), by decayed counts: `C(i,j) / (N(i)^(1−d) · N(j)^d)`,
    /// with `d` the store's ``FeatureSettings/cooccurrenceDamping`` (0.5: cosine
    /// similarity) and `C` the guaranteed lower bound of a neighbour table that had
    /// to replace entries. Empty for an unknown item or with co-occurrence off.
    public func similar(to itemID: String, limit: Int) -> [ScoredItem] {
        guard let item = items.index(of: itemID) else { return [] }
        let ids = items
        return similarRows(to: item, limit: limit)
            .sorted { $0.score != $1.score ? $0.score > $1.score : ids.id(at: $0.row) < ids.id(at: $1.row) }
            .map { ScoredItem(itemID: items.id(at: $0.row), score: $0.score, events: eventCount(of: $0.row)) }
    }

    /// Whether the store has seen the item.
    package func holdsItem(_ itemID: String) -> Bool { items.index(of: itemID) != nil }

    /// The rows ``similar(to:limit:)`` returns, with their scores, in no
    /// particular order: rankings that sum over them need neither the order nor
    /// the ids.
    func similarRows(to item: Int32, limit: Int) -> [(row: Int32, score: Double)] {
        tableRows(
            of: item, count: Int(itemTable.records[Int(item)].neighbourCount), capacity: itemTable.neighbourCapacity,
            ids: \.neighbourItems, weights: \.neighbourWeights, errors: \.neighbourErrors, limit: limit)
    }

    /// The items that most often followed `item` in users' histories, by
    /// `T(item→j)` normalized as ``similar(to:limit:)`` normalizes co-occurrence,
    /// in no particular order. Empty without transition tables.
    func successorRows(of item: Int32, limit: Int) -> [(row: Int32, score: Double)] {
        tableRows(
            of: item, count: Int(itemTable.records[Int(item)].successorCount), capacity: itemTable.successorCapacity,
            ids: \.successorItems, weights: \.successorWeights, errors: \.successorErrors, limit: limit)
    }

    /// One item's neighbour or successor table scored and cut to `limit`.
    private func tableRows(
        of item: Int32, count: Int, capacity: Int, ids idsPath: KeyPath<ItemFeatureTable, [Int32]>,
        weights weightsPath: KeyPath<ItemFeatureTable, [Double]>,
        errors errorsPath: KeyPath<ItemFeatureTable, [Double]>, limit: Int
    ) -> [(row: Int32, score: Double)] {
        // Capacity 0 for the array would write to the shared empty-array storage
        // (see BinaryReader.readBlock).
        guard capacity > 0, count > 0 else { return [] }
        let base = Int(item) * capacity
        let own = itemTable.ownScale(item)
        var scored = [(row: Int32, score: Double)](unsafeUninitializedCapacity: count) { scored, initialized in
            itemTable.occurrenceScales.withUnsafeBufferPointer { scales in
                itemTable[keyPath: idsPath].withUnsafeBufferPointer { items in
                    itemTable[keyPath: weightsPath].withUnsafeBufferPointer { weights in
                        itemTable[keyPath: errorsPath].withUnsafeBufferPointer { errors in
                            var kept = 0
                            for k in base..<(base + count) {
                                let other = items[k]
                                let scale = own * scales[Int(other)]
                                // The decay factors of numerator and denominator cancel: the
                                // stored values give the score at any time. Every entry is
                                // written and only those with occurrences on both sides kept,
                                // without a branch.
                                scored[kept] = (other, (weights[k] - errors[k]) * scale)
                                kept += scale > 0 ? 1 : 0
                            }
                            initialized = kept
                        }
                    }
                }
            }
        }
        guard scored.count > limit else { return scored }
        // Equal scores at the cut are decided by id, so that the set does not
        // depend on the order items were first seen in.
        let ids = items
        keepBest(&scored, limit: limit) {
            $0.score != $1.score ? $0.score > $1.score : ids.id(at: $0.row) < ids.id(at: $1.row)
        }
        return scored
    }

    /// Items of the user's `categories` strongest categories, each scored by the
    /// user's affinity for its category times its decayed popularity, in no
    /// particular order: what is in demand where the user shops. Empty for a
    /// user with no category yet. Both factors are stored forward-decayed
    /// against landmarks shared by all users and items, so their products
    /// compare within one ranking without reading them at `now`.
    func categoryRows(for userID: String, categories: Int) -> [(row: Int32, score: Double)] {
        guard let user = users.index(of: userID) else { return [] }
        let u = Int(user)
        let base = u * userTable.categoryCapacity
        let strongest = (0..<Int(userTable.records[u].categoryCount)).map { userTable.affinities[base + $0] }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.category < $1.category }
            .prefix(categories)
        guard !strongest.isEmpty else { return [] }
        var scored: [(row: Int32, score: Double)] = []
        itemTable.records.withUnsafeBufferPointer { records in
            for (row, record) in records.enumerated() where record.category >= 0 && record.popularity > 0 {
                // A linear search: a user has a handful of categories at most.
                if let affinity = strongest.first(where: { $0.category == record.category }) {
                    scored.append((Int32(row), affinity.weight * record.popularity))
                }
            }
        }
        return scored
    }

    /// Rows of the user's most recent distinct items, newest first.
    func recentItemRows(of userID: String, limit: Int) -> [Int32] {
        guard let user = users.index(of: userID) else { return [] }
        let u = Int(user)
        let base = u * userTable.recentCapacity
        return (0..<min(Int(userTable.records[u].recentCount), limit)).map { userTable.recent[base + $0].item }
    }

    /// Items by decayed popularity at `now`.
    public func popular(limit: Int) -> [ScoredItem] {
        Self.top(
            liveItems.map {
                ScoredItem(
                    itemID: items.id(at: $0),
                    score: popularityDecay.value(itemTable.records[Int($0)].popularity, at: now),
                    events: eventCount(of: $0))
            }, limit)
    }

    /// Items rising fastest (``ItemFeatures/trend``), among those with at least `minimumEvents`.
    public func trending(limit: Int, minimumEvents: Int = 5) -> [ScoredItem] {
        Self.top(
            liveItems.filter { eventCount(of: $0) >= minimumEvents }
                .map { ScoredItem(itemID: items.id(at: $0), score: trend(of: $0), events: eventCount(of: $0)) }, limit)
    }

    /// Items the user has consumed, in the order of their first event.
    public func consumedItems(of userID: String) -> [String] {
        guard let user = users.index(of: userID) else { return [] }
        return userTable.consumed[Int(user)].map { items.id(at: UserFeatureTable.consumedEntry($0).item) }
    }

    /// The consumed items rankings leave out: those the user had a lasting event
    /// with, and those only passed by (``FeatureSettings/recommendAgainTypes``)
    /// while among their last ``FeatureSettings/recommendAgainAfter`` distinct items.
    public func excludedItems(of userID: String) -> [String] {
        excludedRows(of: userID).map { items.id(at: $0) }
    }

    /// ``excludedItems(of:)`` as item rows, oldest first.
    func excludedRows(of userID: String) -> [Int32] {
        guard let user = users.index(of: userID) else { return [] }
        let u = Int(user)
        let consumed = userTable.consumed[u]
        guard userTable.tracksPassing else { return Array(consumed) }
        let recentBase = u * userTable.recentCapacity
        let latest = userTable.recent[recentBase..<(recentBase + Int(userTable.records[u].recentCount))]
            .prefix(settings.recommendAgainAfter).map(\.item)
        return consumed.compactMap { entry in
            let (item, lasting) = UserFeatureTable.consumedEntry(entry)
            return lasting || latest.contains(item) ? item : nil
        }
    }

    var liveItems: [Int32] {
        (0..<Int32(items.capacity)).filter { !items.id(at: $0).isEmpty }
    }

    func eventCount(of item: Int32) -> Int {
        let base = Int(item) * types.count
        return itemTable.counts[base..<(base + types.count)].reduce(0) { $0 + Int($1) }
    }

    /// The `limit` best by score; ties broken by id so that results are deterministic.
    static func top(_ items: [ScoredItem], _ limit: Int) -> [ScoredItem] {
        bestElements(items, limit: limit) { $0.score != $1.score ? $0.score > $1.score : $0.itemID < $1.itemID }
    }
}
