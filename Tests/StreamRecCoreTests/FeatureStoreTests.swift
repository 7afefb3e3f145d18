import Foundation
import Testing

@testable import StreamRecCore

func close(_ a: Double, _ b: Double, relative: Double = 1e-6) -> Bool {
    a == b || abs(a - b) <= relative * max(abs(a), abs(b))
}

/// Random event streams: a few users and items, times mostly increasing with some
/// arriving out of order, a share of them beyond the allowed lateness.
func randomEvents(seed: UInt64, count: Int, users: Int = 20, items: Int = 30) -> [Event] {
    var state = seed
    func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 16
    }
    let types = ["view", "view", "view", "click", "add_to_cart", "purchase", "rating"]
    var clock: Int64 = 1_700_000_000_000
    var events: [Event] = []
    for _ in 0..<count {
        clock += Int64(next() % 600_000)  // up to 10 minutes apart
        var time = clock
        switch next() % 20 {
        case 0: time -= Int64(next() % 10_800_000)  // up to 3 hours late: beyond the 1-hour lateness
        case 1, 2, 3: time -= Int64(next() % 1_800_000)  // out of order, within lateness
        default: break
        }
        let type = types[Int(next() % UInt64(types.count))]
        let item = Int(next() % UInt64(items))
        var event = Event(
            userID: "u\(next() % UInt64(users))", itemID: "i\(item)", type: type, timestampMilliseconds: time)
        if type == "rating" {
            event.value = Double(1 + next() % 5)
        } else if next() % 4 == 0 {
            event.value = Double(next() % 3)
        }
        event.item["category"] = .string("c\(item % 5)")
        if next() % 3 == 0 { event.item["price"] = .number(Double(item * 10 + Int(next() % 7))) }
        events.append(event)
    }
    return events
}

@Suite("Feature store: incremental equals brute force")
struct FeatureStoreTests {
    static func settings(policy: FeatureSettings.LatePolicy) -> FeatureSettings {
        var settings = FeatureSettings()
        settings.lateEvents = policy
        settings.trendingHalfLifeHours = 2
        settings.userHalfLifeHours = 24
        settings.popularityHalfLifeHours = 48
        settings.neighbours = 10
        settings.neighbourCapacity = 100  // more than the 30 items: nothing is replaced
        return settings
    }

    @Test(
        "Users, items, similar and popular match a recomputation from the full event list",
        arguments: [(1 as UInt64, FeatureSettings.LatePolicy.apply), (2, .drop), (3, .apply), (4, .drop)])
    func matchesBruteForce(seed: UInt64, policy: FeatureSettings.LatePolicy) {
        let schema = EventSchema()
        let settings = Self.settings(policy: policy)
        let events = randomEvents(seed: seed, count: 3_000)
        var store = FeatureStore(schema: schema, settings: settings)
        for event in events { store.apply(event) }
        let expected = BruteForceFeatures(events, schema: schema, settings: settings)

        #expect(store.now == expected.now)
        #expect(store.statistics.applied == expected.accepted.count)
        if policy == .drop { #expect(store.statistics.lateDropped == events.count - expected.accepted.count) }
        #expect(store.statistics.lateDropped + store.statistics.lateApplied > 0, "the stream has late events")

        for user in Set(events.map(\.userID)) {
            let got = store.userFeatures(user)!, want = expected.user(user)!
            #expect(got.events == want.events && got.counts == want.counts, "\(user)")
            #expect(
                close(got.decayedWeight, want.decayedWeight), "\(user): \(got.decayedWeight) vs \(want.decayedWeight)")
            #expect(got.firstSeen == want.firstSeen && got.lastSeen == want.lastSeen)
            #expect(got.hourHistogram == want.hourHistogram && got.weekdayHistogram == want.weekdayHistogram)
            #expect(got.recentItems == want.recentItems, "\(user)")
            #expect(got.consumedItems == want.consumedItems)
            #expect(got.categoryAffinity.map(\.category) == want.categoryAffinity.map(\.category))
            #expect(zip(got.categoryAffinity, want.categoryAffinity).allSatisfy { close($0.weight, $1.weight) })
        }
        for item in Set(events.map(\.itemID)) {
            let got = store.itemFeatures(item)!, want = expected.item(item)!
            #expect(
                got.counts == want.counts && got.events == want.events && got.distinctUsers == want.distinctUsers,
                "\(item)")
            #expect(close(got.popularity, want.popularity), "\(item)")
            #expect(close(got.trend, want.trend), "\(item)")
            #expect(got.conversionRate == want.conversionRate)
            #expect(got.category == want.category)
            #expect(got.lastSeen == want.lastSeen)
            #expect(got.attributes.keys == want.attributes.keys)
            for (name, value) in want.attributes {
                #expect(got.attributes[name]?.value == value.value)
                #expect(close(got.attributes[name]!.standardized, value.standardized, relative: 1e-9))
            }
            let similar = store.similar(to: item, limit: 10), wantSimilar = expected.similar(item, limit: 10)
            #expect(similar.map(\.itemID) == wantSimilar.map(\.itemID), "\(item)")
            #expect(zip(similar, wantSimilar).allSatisfy { close($0.score, $1.score) })
        }
        let popular = store.popular(limit: 10), wantPopular = expected.popular(limit: 10)
        #expect(popular.map(\.itemID) == wantPopular.map(\.itemID))
        #expect(zip(popular, wantPopular).allSatisfy { close($0.score, $1.score) && $0.events == $1.events })
    }

    /// `onTwoThreads`: each batch in the hybrid's two steps, its last co-occurrence
    /// updates (past 8,192 of them in the large batches) applied on two threads.
    @Test(
        "Applying a batch gives the same store as applying its events one by one",
        arguments: [
            (5 as UInt64, false, false, false), (6, false, false, false), (7, false, false, false),
            (8, true, true, false), (9, true, false, false),
            (10, true, true, true), (11, true, false, true), (12, false, false, true),
        ])
    func batchEqualsOneByOne(
        seed: UInt64, crowdedNeighbours: Bool, movingLandmarks: Bool, onTwoThreads: Bool
    ) {
        var settings = FeatureSettings()
        if crowdedNeighbours {
            // Full neighbour tables (replacements), and full recent lists: the largest batch makes some 80,000 co-occurrence updates,
            // more than one-step batches hold, so they are also applied mid-batch.
            settings.neighbours = 3
            settings.neighbourCapacity = 6
            settings.cooccurrenceWindow = 8
            settings.recentItems = 8
        }
        if movingLandmarks {
            // Co-occurrence landmarks that move within batches: a batch holds its
            // neighbour updates back and must apply them before rescaling.
            settings.cooccurrenceHalfLifeHours = 0.05
        }
        let events = randomEvents(seed: seed, count: 9_000)
        var oneByOne = FeatureStore(schema: EventSchema(), settings: settings)
        for event in events { oneByOne.apply(event) }
        var batched = FeatureStore(schema: EventSchema(), settings: settings)
        var applied = 0
        // Batch sizes around the store's lookahead window (16 events, four windows in
        // flight), and large ones whose co-occurrence updates are grouped by item.
        let sizes = [1, 7, 16, 33, 64, 1_000, 2_500, 5_000]
        var start = 0, round = 0
        while start < events.count {
            let end = min(start + sizes[round % sizes.count], events.count)
            if onTwoThreads {
                let held = batched.applyHoldingNeighbourUpdates(contentsOf: Array(events[start..<end]))
                batched.applyHeld(held, onTwoThreads: true)
            } else {
                applied += batched.apply(contentsOf: events[start..<end])
            }
            start = end
            round += 1
        }
        if !onTwoThreads { #expect(applied == oneByOne.statistics.applied) }
        #expect(batched.statistics == oneByOne.statistics)
        let equal = batched == oneByOne
        #expect(equal)
        if movingLandmarks {
            // The case is only meaningful if the landmark moved many times.
            #expect(oneByOne.cooccurrenceDecay.landmark > events[events.count / 2].timestampMilliseconds)
        }
    }

    @Test("With more neighbours than room, the heaviest are kept (space-saving)")
    func boundedNeighbours() {
        var settings = FeatureSettings()
        settings.neighbours = 3
        settings.neighbourCapacity = 6
        settings.cooccurrenceWindow = 1
        settings.recentItems = 1
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        var time: Int64 = 1_700_000_000_000
        func pair(_ a: String, _ b: String, user: String) {
            time += 1
            store.apply(Event(userID: user, itemID: a, type: "view", timestampMilliseconds: time))
            time += 1
            store.apply(Event(userID: user, itemID: b, type: "view", timestampMilliseconds: time))
        }
        // "hub" co-occurs 20 times with each of three heavy items and once with each of 40 light ones.
        for round in 0..<20 { for heavy in ["h1", "h2", "h3"] { pair("hub", heavy, user: "heavy-\(round)-\(heavy)") } }
        for light in 0..<40 { pair("hub", "l\(light)", user: "light-\(light)") }
        #expect(Set(store.similar(to: "hub", limit: 3).map(\.itemID)) == ["h1", "h2", "h3"])
        #expect(store.itemTable.records[Int(store.items.index(of: "hub")!)].neighbourCount == 6)
    }

    @Test("Event time only: decays read at the newest event time, not the wall clock")
    func eventTime() {
        var settings = FeatureSettings()
        settings.userHalfLifeHours = 1
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        let start: Int64 = 1_000_000_000_000  // 2001
        store.apply(Event(userID: "u", itemID: "i", type: "purchase", timestampMilliseconds: start))
        store.apply(Event(userID: "v", itemID: "i", type: "view", timestampMilliseconds: start + 3_600_000))
        #expect(close(store.userFeatures("u")!.decayedWeight, 4))  // weight 8, one half-life later
        #expect(store.userFeatures("u")!.hourHistogram[Int((start / 3_600_000) % 24)] == 1)
    }

    @Test("Decays stay finite across years of event time (landmark renormalization)")
    func renormalization() {
        var settings = FeatureSettings()
        settings.trendingHalfLifeHours = 1
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        let start: Int64 = 1_000_000_000_000
        for day in 0..<(365 * 3) {
            store.apply(
                Event(userID: "u", itemID: "i", type: "view", timestampMilliseconds: start + Int64(day) * 86_400_000))
        }
        let item = store.itemFeatures("i")!
        #expect(item.popularity.isFinite && item.popularity > 0)
        #expect(item.trend.isFinite)
        #expect(store.userFeatures("u")!.decayedWeight.isFinite)
    }
}
