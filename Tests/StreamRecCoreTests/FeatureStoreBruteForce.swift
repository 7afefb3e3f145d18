import Foundation

@testable import StreamRecCore

/// Features recomputed from the full list of events, the slow and obvious way, to
/// check the incremental store against.
struct BruteForceFeatures {
    let schema: EventSchema
    let settings: FeatureSettings
    /// Events the store should have applied (late ones dropped by policy removed), in arrival order.
    var accepted: [Event] = []
    var now: Int64 = .min
    /// Co-occurrence sums, item → neighbour → Σ d^k · 2^(−(now − t)/h) (k: how many
    /// other recent items came between, d: the pair decay), built in arrival order.
    var cooccurrence: [String: [String: Double]] = [:]
    /// Transition sums, item → the item that followed it → Σ 2^(−(now − t)/h).
    var successors: [String: [String: Double]] = [:]

    init(_ events: [Event], schema: EventSchema, settings: FeatureSettings) {
        self.schema = schema
        self.settings = settings
        var latest: Int64 = .min
        var contributions: [(String, String, Int64, Double)] = []
        var transitions: [(String, String, Int64)] = []
        for event in events {
            if latest != .min, Double(latest - event.timestampMilliseconds) > settings.latenessMinutes * 60_000,
                settings.lateEvents == .drop
            {
                continue
            }
            latest = max(latest, event.timestampMilliseconds)
            if settings.cooccurrence {
                let window = recent(of: event.userID, in: accepted).filter { $0 != event.itemID }.prefix(
                    settings.cooccurrenceWindow)
                for (k, other) in window.enumerated() {
                    contributions.append(
                        (
                            event.itemID, other, event.timestampMilliseconds,
                            pow(settings.cooccurrencePairDecay, Double(k))
                        ))
                }
                if let previous = window.first {
                    transitions.append((previous, event.itemID, event.timestampMilliseconds))
                }
            }
            accepted.append(event)
        }
        now = latest
        for (item, other, time, weight) in contributions {
            let value = weight * decay(time, settings.cooccurrenceHalfLifeHours)
            cooccurrence[item, default: [:]][other, default: 0] += value
            cooccurrence[other, default: [:]][item, default: 0] += value
        }
        for (item, next, time) in transitions {
            successors[item, default: [:]][next, default: 0] += decay(time, settings.cooccurrenceHalfLifeHours)
        }
    }

    func decay(_ time: Int64, _ halfLifeHours: Double) -> Double {
        exp2(-Double(now - time) / (halfLifeHours * 3_600_000))
    }

    /// A user's distinct items, newest interaction first (ties: the earlier arrival first), capped.
    func recent(of user: String, in events: [Event]) -> [String] {
        var latest: [String: (time: Int64, arrival: Int)] = [:]
        for (arrival, event) in events.enumerated() where event.userID == user {
            if let seen = latest[event.itemID], seen.time >= event.timestampMilliseconds { continue }
            latest[event.itemID] = (event.timestampMilliseconds, arrival)
        }
        return latest.sorted {
            $0.value.time != $1.value.time ? $0.value.time > $1.value.time : $0.value.arrival < $1.value.arrival
        }
        .prefix(settings.recentItems).map(\.key)
    }

    func weight(_ event: Event) -> Double {
        let base = schema.weights[event.type]!
        return event.type == schema.ratingType ? base : base * (event.value ?? 1)
    }

    func user(_ id: String) -> UserFeatures? {
        let events = accepted.filter { $0.userID == id }
        guard !events.isEmpty else { return nil }
        var counts: [String: Int] = [:]
        var hours = [Int](repeating: 0, count: 24), weekdays = [Int](repeating: 0, count: 7)
        var categories: [String: Double] = [:]
        for event in events {
            counts[event.type, default: 0] += 1
            let hour = Int(((event.timestampMilliseconds / 3_600_000) % 24 + 24) % 24)
            let day = Int(((event.timestampMilliseconds / 86_400_000 + 3) % 7 + 7) % 7)
            hours[hour] += 1
            weekdays[day] += 1
            if let category = FeatureStore.categoryName(event.item["category"]) {
                categories[category, default: 0] +=
                    weight(event) * decay(event.timestampMilliseconds, settings.userHalfLifeHours)
            }
        }
        let times = events.map(\.timestampMilliseconds)
        let latest = Dictionary(events.map { ($0.itemID, $0.timestampMilliseconds) }, uniquingKeysWith: max)
        return UserFeatures(
            userID: id, events: events.count, counts: counts,
            decayedWeight: events.reduce(0) {
                $0 + weight($1) * decay($1.timestampMilliseconds, settings.userHalfLifeHours)
            },
            firstSeen: times.min()!, lastSeen: times.max()!,
            recentItems: recent(of: id, in: accepted).map { RecentItem(itemID: $0, time: latest[$0]!) },
            categoryAffinity: categories.map { CategoryAffinity(category: $0.key, weight: $0.value) }
                .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.category < $1.category },
            hourHistogram: hours, weekdayHistogram: weekdays, consumedItems: Set(events.map(\.itemID)).count)
    }

    func occurrences(_ item: String) -> Double {
        accepted.filter { $0.itemID == item }.reduce(0) {
            $0 + decay($1.timestampMilliseconds, settings.cooccurrenceHalfLifeHours)
        }
    }

    func item(_ id: String) -> ItemFeatures? {
        let events = accepted.filter { $0.itemID == id }
        guard !events.isEmpty else { return nil }
        var counts: [String: Int] = [:]
        for event in events { counts[event.type, default: 0] += 1 }
        let popularity = events.reduce(0) {
            $0 + weight($1) * decay($1.timestampMilliseconds, settings.popularityHalfLifeHours)
        }
        let short = events.reduce(0) {
            $0 + weight($1) * decay($1.timestampMilliseconds, settings.trendingHalfLifeHours)
        }
        var attributes: [String: NumericAttribute] = [:]
        for name in settings.numericAttributes {
            let all = accepted.compactMap { if case .number(let v)? = $0.item[name] { v } else { nil } }
            guard let last = events.last(where: { $0.item[name] != nil }), case .number(let value)? = last.item[name]
            else { continue }
            let mean = all.reduce(0, +) / Double(all.count)
            let sigma = (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count)).squareRoot()
            attributes[name] = NumericAttribute(value: value, standardized: sigma > 0 ? (value - mean) / sigma : 0)
        }
        let views = counts["view"] ?? 0
        return ItemFeatures(
            itemID: id, events: events.count, counts: counts, distinctUsers: Set(events.map(\.userID)).count,
            popularity: popularity,
            trend: popularity > 0
                ? short / popularity * settings.popularityHalfLifeHours / settings.trendingHalfLifeHours : 0,
            conversionRate: views > 0 ? Double(counts["purchase"] ?? 0) / Double(views) : nil,
            category: events.last(where: { FeatureStore.categoryName($0.item["category"]) != nil })
                .flatMap { FeatureStore.categoryName($0.item["category"]) },
            attributes: attributes, lastSeen: events.map(\.timestampMilliseconds).max()!)
    }

    /// A co-occurrence or transition weight divided by both items' occurrences,
    /// the candidate's to the damping and the other's to its complement.
    func normalized(_ weight: Double, _ own: Double, _ other: Double) -> Double {
        let damping = settings.cooccurrenceDamping
        return weight / (pow(own, 1 - damping) * pow(other, damping))
    }

    func similar(_ item: String, limit: Int) -> [ScoredItem] {
        let own = occurrences(item)
        let scored = (cooccurrence[item] ?? [:]).map { other, weight in
            ScoredItem(
                itemID: other, score: normalized(weight, own, occurrences(other)),
                events: accepted.filter { $0.itemID == other }.count)
        }
        return FeatureStore.top(scored, limit)
    }

    /// The scores ``FeatureStore/successorRows(of:limit:)`` gives every item that followed `item`.
    func successorScores(_ item: String) -> [String: Double] {
        let own = occurrences(item)
        return (successors[item] ?? [:]).reduce(into: [:]) { scores, entry in
            scores[entry.key] = normalized(entry.value, own, occurrences(entry.key))
        }
    }

    /// The scores ``FeatureStore/similarRows(to:limit:)`` gives every neighbour of `item`.
    func similarScores(_ item: String) -> [String: Double] {
        let own = occurrences(item)
        return (cooccurrence[item] ?? [:]).reduce(into: [:]) { scores, entry in
            scores[entry.key] = normalized(entry.value, own, occurrences(entry.key))
        }
    }

    func popular(limit: Int) -> [ScoredItem] {
        let ids = Set(accepted.map(\.itemID))
        return FeatureStore.top(
            ids.map { ScoredItem(itemID: $0, score: item($0)!.popularity, events: item($0)!.events) }, limit)
    }
}
