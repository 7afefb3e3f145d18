import Testing

@testable import StreamRecCore

@Suite("Hybrid ranking by row")
struct HybridRowPathTests {
    /// A factor base ranks by row; the id path is the reference. Users get
    /// exclusions of part of what they consumed plus an id nobody knows, and a user
    /// nobody knows gets popularity either way. The restored copy maps its rows anew.
    @Test(
        "The row path gives the id path's lists, for every factor base, before and after a restore, refreshes included",
        arguments: [("bpr", true), ("isgd", true), ("raisgd", true), ("biased-mf", true), ("biased-mf", false)])
    func rowPathEqualsIDPath(base: String, allRatings: Bool) throws {
        // Biased MF learns from ratings only: with one event in three a rating, its
        // catalogue is a part of the store's, in another order.
        let stream = lowRankStream(users: 60, items: 150, events: 4_000, seed: 31)
        let ratings = asRatings(stream)
        let events = allRatings ? ratings : stream.indices.map { $0 % 3 == 0 ? ratings[$0] : stream[$0] }
        let schema = EventSchema(), features = FeatureSettings()
        var settings = ModelSettings()
        settings.hybridBase = base
        var model = try ModelCatalog.make("hybrid", schema: schema, features: features, settings: settings)
        // A large batch (popularity leaders, the two-step learn), then single events,
        // during which the base and popularity meet items new to them.
        model.learn(contentsOf: Array(events.prefix(500)))
        for event in events.dropFirst(500) { model.learn(event) }
        let restored = try ModelCatalog.restore(
            "hybrid", snapshot: model.snapshot(), schema: schema, features: features, settings: settings)

        var consumed: [String: [String]] = [:]
        for event in events { consumed[event.userID, default: []].append(event.itemID) }
        for hybrid in [model, restored].map({ $0 as! HybridRecommender }) {
            #expect(hybrid.baseRows.isComplete && hybrid.popularityRows.isComplete)
            if !allRatings { #expect(hybrid.baseRows.toStore != Array(0..<Int32(hybrid.baseRows.toStore.count))) }
            #expect(hybrid.baseRows.isIdentity == allRatings && hybrid.popularityRows.isIdentity)
            let factors = try #require(hybrid.base as? any FactorRanked)
            let store = try #require(hybrid.featureStore)
            for user in consumed.keys.sorted() + ["nobody"] {
                // The engine's refresh: the store's exclusions, taken by row.
                let refreshed = hybrid.recommendExcludingConsumed(for: user, count: 10)
                #expect(
                    refreshed
                        == hybrid.recommendByID(for: user, count: 10, excluding: Set(store.excludedItems(of: user))),
                    "\(base) \(user) refresh")
                let items = consumed[user, default: []]
                let excluded = Set(items.enumerated().filter { $0.offset % 3 != 0 }.map(\.element) + ["not-an-item"])
                for count in [10, 40] {
                    let byRow = hybrid.recommendByRow(for: user, count: count, excluding: excluded, factors: factors)
                    let byID = hybrid.recommendByID(for: user, count: count, excluding: excluded)
                    #expect(byRow == byID, "\(base) \(user) top \(count)")
                    #expect(!byRow.isEmpty)
                    #expect(byRow.allSatisfy { !excluded.contains($0.itemID) })
                }
            }
        }
    }
}
