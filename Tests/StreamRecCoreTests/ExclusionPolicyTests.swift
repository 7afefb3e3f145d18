import Testing

@testable import StreamRecCore

/// `features.recommend_again`: items only passed by come back once the user has
/// moved on; the store, the evaluation's tracker and a recomputation from the
/// whole history agree on what is left out.
@Suite("Items the user passed by come back; bought ones stay out")
struct ExclusionPolicyTests {
    static func settings(again: [String], after: Int) -> FeatureSettings {
        var settings = FeatureSettings()
        settings.recommendAgainTypes = again
        settings.recommendAgainAfter = after
        return settings
    }

    static func event(_ user: String, _ item: String, _ type: String, _ time: Int64) -> Event {
        Event(userID: user, itemID: item, type: type, timestampMilliseconds: 1_700_000_000_000 + time)
    }

    @Test("Viewed items are left out while among the last two items, purchased ones for good")
    func scenario() {
        var store = FeatureStore(schema: EventSchema(), settings: Self.settings(again: ["view"], after: 2))
        for (k, (item, type)) in [("a", "view"), ("b", "view"), ("c", "view"), ("d", "purchase")].enumerated() {
            store.apply(Self.event("u", item, type, Int64(k)))
        }
        #expect(Set(store.excludedItems(of: "u")) == ["c", "d"])
        #expect(store.consumedItems(of: "u") == ["a", "b", "c", "d"])
        store.apply(Self.event("u", "a", "view", 10))
        #expect(Set(store.excludedItems(of: "u")) == ["a", "d"])
        store.apply(Self.event("u", "b", "purchase", 11))
        #expect(Set(store.excludedItems(of: "u")) == ["a", "b", "d"])
        // A purchase of an item seen before is not a new item for the user.
        #expect(store.itemFeatures("b")?.distinctUsers == 1)
    }

    @Test("Without recommend_again every consumed item is left out, as before")
    func defaultExcludesAll() {
        var store = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
        for (k, item) in ["a", "b", "c", "d"].enumerated() { store.apply(Self.event("u", item, "view", Int64(k))) }
        #expect(store.excludedItems(of: "u") == ["a", "b", "c", "d"])
    }

    /// What a ranking leaves out, from the whole history: items with a lasting
    /// event, and passed-by items among the user's last `after` distinct items by
    /// their newest time (ties: the item that reached that time first comes first).
    static func recomputed(_ events: [Event], user: String, again: Set<String>, after: Int) -> Set<String> {
        var lasting = Set<String>()
        var newest: [String: (time: Int64, index: Int)] = [:]
        for (index, event) in events.enumerated() where event.userID == user {
            if !again.contains(event.type) { lasting.insert(event.itemID) }
            if let known = newest[event.itemID], known.time >= event.timestampMilliseconds { continue }
            newest[event.itemID] = (event.timestampMilliseconds, index)
        }
        let latest = newest.sorted { a, b in
            a.value.time != b.value.time ? a.value.time > b.value.time : a.value.index < b.value.index
        }.prefix(after).map(\.key)
        return lasting.union(latest)
    }

    @Test("Store, tracker and recomputation agree after every event", arguments: [0, 1, 3, 10])
    func agreeOnRandomStreams(after: Int) {
        let again: Set<String> = ["view", "click"]
        // Times in 20-minute steps: many ties, and events out of order.
        let events = randomEvents(seed: 41 + UInt64(after), count: 3_000, users: 12, items: 25).map { event in
            var event = event
            event.timestampMilliseconds -= event.timestampMilliseconds % 1_200_000
            return event
        }
        let settings = Self.settings(again: again.sorted(), after: after)
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        var tracker = ExclusionTracker(settings: settings)
        var mismatches: [String] = []
        for (k, event) in events.enumerated() {
            store.apply(event)
            tracker.record(
                user: event.userID, item: event.itemID, type: event.type, time: event.timestampMilliseconds)
            let want = Self.recomputed(Array(events[...k]), user: event.userID, again: again, after: after)
            let fromStore = Set(store.excludedItems(of: event.userID))
            let fromTracker = tracker.excluded(for: event.userID)
            if fromStore != want || fromTracker != want {
                mismatches.append(
                    "event \(k): store \(fromStore.sorted()), tracker \(fromTracker.sorted()), want \(want.sorted())")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.first ?? "")")
        let passedBy = Set(events.map(\.userID)).contains { user in
            Set(store.consumedItems(of: user)).count > store.excludedItems(of: user).count
        }
        #expect(passedBy || after >= 10, "some users have items back in their rankings")
    }

    @Test("Passed-by items survive a snapshot and a move out of memory; older exports count as lasting")
    func persistence() throws {
        let settings = Self.settings(again: ["view"], after: 1)
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        for (k, (item, type)) in [("a", "view"), ("b", "purchase"), ("c", "view")].enumerated() {
            store.apply(Self.event("u", item, type, Int64(k)))
        }
        #expect(Set(store.excludedItems(of: "u")) == ["b", "c"])
        let restored = try FeatureStore(snapshot: store.snapshot())
        #expect(restored == store)
        #expect(restored.snapshot() == store.snapshot())
        #expect(restored.settings.recommendAgainTypes == ["view"])

        let export = try #require(store.exportUser("u"))
        var moved = FeatureStore(schema: EventSchema(), settings: settings)
        try moved.importUser("u", from: export)
        #expect(Set(moved.excludedItems(of: "u")) == ["b", "c"])

        // Version 1: no flags after the consumed list (one UInt64 count and a byte per item).
        let version1 = [UInt8(1)] + export[1..<(export.count - 8 - 3)]
        var old = FeatureStore(schema: EventSchema(), settings: settings)
        try old.importUser("u", from: Array(version1))
        #expect(Set(old.excludedItems(of: "u")) == ["a", "b", "c"])
    }
}
