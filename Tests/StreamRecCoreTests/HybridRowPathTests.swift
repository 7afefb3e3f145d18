@testable import StreamRecCore
import Testing

@Suite("Hybrid ranking by row")
struct HybridRowPathTests {
    /// A factor base ranks by row; the id path is the reference. Users get
    /// exclusions of part of what they consumed plus an id nobody knows, and a user
    /// nobody knows gets popularity either way. The restored copy maps its rows anew.
    @Test("The row path gives the id path's lists, for every factor base, before and after a restore",
          arguments: ["bpr", "isgd", "raisgd", "biased-mf"])
    func rowPathEqualsIDPath(base: String) throws {
        let events = asRatings(lowRankStream(users: 60, items: 150, events: 4_000, seed: 31))
        let schema = EventSchema(), features = FeatureSettings()
        var settings = ModelSettings()
        settings.hybridBase = base
        var model = try ModelCatalog.make("hybrid", schema: schema, features: features, settings: settings)
        // A large batch (popularity leaders, the two-thread learn), then single events.
        model.learn(contentsOf: Array(events.prefix(3_000)))
        for event in events.dropFirst(3_000) { model.learn(event) }
        let restored = try ModelCatalog.restore("hybrid", snapshot: model.snapshot(), schema: schema, features: features, settings: settings)

        var consumed: [String: [String]] = [:]
        for event in events { consumed[event.userID, default: []].append(event.itemID) }
        for hybrid in [model, restored].map({ $0 as! HybridRecommender }) {
            #expect(hybrid.baseRows.isComplete && hybrid.popularityRows.isComplete)
            let factors = try #require(hybrid.base as? any FactorRanked)
            for user in consumed.keys.sorted() + ["nobody"] {
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
