import Testing

@testable import StreamRecCore

@Suite("Users moved out of memory and back")
struct UserExportTests {
    /// Applies `events` in batches; after each, moves out the users beyond
    /// `maxUsers` (keeping their exports, as the engine's user store does), and
    /// before each, brings back those the batch names.
    func applyMovingUsers(
        _ events: [Event], into model: inout any Recommender, batch: Int = 50
    ) -> (moved: Int, outside: [String: [UInt8]]) {
        var outside: [String: [UInt8]] = [:]
        var moved = 0
        var start = 0
        while start < events.count {
            let slice = Array(events[start..<min(start + batch, events.count)])
            for user in Set(slice.map(\.userID)) {
                if let export = outside.removeValue(forKey: user) { try! model.importUser(user, from: export) }
            }
            model.learn(contentsOf: slice)
            for user in model.featureStore!.usersToMoveOut(atMost: 1_000, keeping: { _ in false }) {
                outside[user] = model.exportUser(user)
                model.removeUser(user)
                moved += 1
            }
            start += batch
        }
        return (moved, outside)
    }

    @Test(
        "A model whose users moved out and back holds exactly what one that kept them all holds",
        arguments: ["hybrid", "cooccurrence"])
    func movedEqualsKept(name: String) throws {
        let events = randomEvents(seed: 21, count: 6_000, users: 60, items: 40)
        var kept = try ModelCatalog.make(
            name, schema: EventSchema(), features: FeatureSettings(), settings: ModelSettings())
        kept.learn(contentsOf: events)
        var settings = FeatureSettings()
        settings.maxUsers = 10
        var moving = try ModelCatalog.make(name, schema: EventSchema(), features: settings, settings: ModelSettings())
        let (moved, outside) = applyMovingUsers(events, into: &moving)
        #expect(moved > 500, "users moved out and back many times")
        for (user, export) in outside { try moving.importUser(user, from: export) }

        let want = kept.featureStore!, got = moving.featureStore!
        #expect(got.userCount == want.userCount)
        for user in Set(events.map(\.userID)) {
            #expect(got.userFeatures(user) == want.userFeatures(user), "\(user)")
            #expect(got.consumedItems(of: user) == want.consumedItems(of: user), "\(user)")
            #expect(
                moving.recommend(for: user, count: 10, excluding: []).map(\.itemID)
                    == kept.recommend(for: user, count: 10, excluding: []).map(\.itemID), "\(user)")
        }
        #expect(got.itemTable == want.itemTable, "item state does not depend on where users are")
    }

    @Test("A factor model's user row moves out and back bit for bit; a new user's row does not depend on indices")
    func factorRows() throws {
        var model = try ModelCatalog.make("bpr", schema: EventSchema(), features: FeatureSettings(), settings: .init())
        model.learn(contentsOf: randomEvents(seed: 3, count: 2_000, users: 20, items: 30))
        let before = try #require(model.exportUser("u3"))
        let ranked = model.recommend(for: "u3", count: 5, excluding: [])
        model.removeUser("u3")
        #expect(model.recommend(for: "u3", count: 5, excluding: []).isEmpty)
        #expect(model.exportUser("u3") == nil)
        try model.importUser("u3", from: before)
        #expect(model.exportUser("u3") == before)
        #expect(model.recommend(for: "u3", count: 5, excluding: []) == ranked)

        // A newcomer taking a freed index gets the row a newcomer at a fresh index gets.
        var other = try ModelCatalog.make("bpr", schema: EventSchema(), features: FeatureSettings(), settings: .init())
        other.learn(contentsOf: randomEvents(seed: 3, count: 2_000, users: 20, items: 30))
        model.removeUser("u5")
        let newcomer = Event(userID: "new", itemID: "i1", type: "view", timestampMilliseconds: 1_800_000_000_000)
        model.learn(newcomer)
        other.learn(newcomer)
        #expect(model.exportUser("new") == other.exportUser("new"))
    }

    @Test("Users idle longer than the TTL (event time) are the ones to move out; active ones stay")
    func ttl() {
        var settings = FeatureSettings()
        settings.userTTLHours = 1
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        let start: Int64 = 1_700_000_000_000
        store.apply(Event(userID: "idle", itemID: "i", type: "view", timestampMilliseconds: start))
        for minute in 1...180 {
            store.apply(
                Event(userID: "busy", itemID: "i", type: "view", timestampMilliseconds: start + Int64(minute) * 60_000))
        }
        #expect(store.usersToMoveOut(atMost: 10, keeping: { _ in false }) == ["idle"])
        #expect(store.usersToMoveOut(atMost: 10, keeping: { $0 == "idle" }).isEmpty, "a kept user is skipped")
        #expect(store.userFeatures("idle")?.events == 1, "choosing moves nothing: the caller does")
    }

    @Test("Beyond max_users the least recently active are chosen, as many as the excess")
    func capacity() {
        var settings = FeatureSettings()
        settings.maxUsers = 3
        settings.userTTLHours = 0
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        for (k, user) in ["a", "b", "c", "d", "e", "a"].enumerated() {
            store.apply(Event(userID: user, itemID: "i", type: "view", timestampMilliseconds: 1_000 + Int64(k)))
        }
        #expect(store.usersToMoveOut(atMost: 10, keeping: { _ in false }) == ["b", "c"])
        #expect(store.usersToMoveOut(atMost: 1, keeping: { _ in false }) == ["b"])
    }

    @Test("Every consumed item is remembered by default: exclusion is exact for heavy users")
    func consumedUnbounded() {
        var store = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
        for k in 0..<3_000 {
            store.apply(Event(userID: "heavy", itemID: "i\(k)", type: "view", timestampMilliseconds: 1_000 + Int64(k)))
        }
        #expect(store.consumedItems(of: "heavy").count == 3_000)
        #expect(store.userFeatures("heavy")?.consumedItems == 3_000)
    }

    @Test("A damaged export is refused with the user's name, never half applied")
    func damagedExport() throws {
        var store = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
        store.apply(Event(userID: "u", itemID: "i", type: "view", timestampMilliseconds: 1_000))
        let export = try #require(store.exportUser("u"))
        store.removeUser("u")
        #expect(throws: StreamRecError.self) { try store.importUser("u", from: Array(export.dropLast(3))) }
        #expect(!store.holdsUser("u"))
    }
}
