import Foundation
import Testing

@testable import StreamRecCore

/// A stream where what a user does next depends on what they did last: users
/// walk a ring of items, mostly one or two steps forward, sometimes jumping.
/// Times advance by a random 1–600 minutes, so that decays matter.
func walkStream(users: Int, items: Int, events: Int, seed: UInt64) -> [Event] {
    var random = SeededRandom(seed: seed)
    var position = (0..<users).map { _ in Int(random.next() % UInt64(items)) }
    var time: Int64 = 1_700_000_000_000
    return (0..<events).map { _ in
        let user = Int(random.next() % UInt64(users))
        let jump = random.next() % 10 == 0
        position[user] =
            (position[user] + (jump ? Int(random.next() % UInt64(items)) : 1 + Int(random.next() % 2))) % items
        time += Int64(1 + random.next() % 600) * 60_000
        return Event(userID: "u\(user)", itemID: "i\(position[user])", type: "view", timestampMilliseconds: time)
    }
}

@Suite("Ranking signals against recomputations, and the learned blend")
struct SignalTests {
    /// Settings where no neighbour or successor table is ever full, so that the
    /// store's sums are exact and comparable with a recomputation.
    static func exactSettings() -> (FeatureSettings, ModelSettings) {
        var model = ModelSettings()
        model.cooccurrenceWindow = 4
        model.cooccurrencePairDecay = 0.7
        model.cooccurrencePositionDecay = 0.6
        model.cooccurrenceRecentItems = 6
        model.cooccurrenceNeighbours = 60
        model.transitionSuccessors = 60
        model.transitionRecentItems = 3
        var features = FeatureSettings()
        features.cooccurrenceHalfLifeHours = 48
        return (features, model)
    }

    /// The store's settings as the model sets them, for the recomputation.
    static func storeSettings(_ features: FeatureSettings, _ model: ModelSettings) -> FeatureSettings {
        var settings = features
        settings.recentItems = max(features.recentItems, model.cooccurrenceRecentItems, model.cooccurrenceWindow)
        settings.cooccurrenceWindow = model.cooccurrenceWindow
        settings.cooccurrencePairDecay = model.cooccurrencePairDecay
        settings.cooccurrenceDamping = model.cooccurrenceDamping
        settings.successorCapacity = model.transitionSuccessors
        return settings
    }

    /// The ranking of either co-occurrence model, recomputed: each of the user's
    /// last `recent` items adds its table's scores, weighted by position.
    static func bruteForceRanking(
        _ expected: BruteForceFeatures, user: String, recent: Int, positionDecay: Double, successors: Bool,
        excluding excluded: Set<String>
    ) -> [ScoredItem] {
        var scores: [String: Double] = [:]
        for (k, item) in expected.recent(of: user, in: expected.accepted).prefix(recent).enumerated() {
            let table = successors ? expected.successorScores(item) : expected.similarScores(item)
            for (other, score) in table { scores[other, default: 0] += pow(positionDecay, Double(k)) * score }
        }
        return FeatureStore.top(
            scores.filter { !excluded.contains($0.key) }.map { ScoredItem(itemID: $0.key, score: $0.value, events: 0) },
            10)
    }

    @Test(
        "Co-occurrence with pairs weighted by distance and recent items by position, and transitions, rank as a recomputation",
        arguments: [CooccurrenceRecommender.Ranking.neighbours, .successors], [0.5, 0.3, 0.8])
    func coOccurrenceSignalsMatchBruteForce(ranking: CooccurrenceRecommender.Ranking, damping: Double) {
        let (features, cosine) = Self.exactSettings()
        var settings = cosine
        settings.cooccurrenceDamping = damping
        let events = walkStream(users: 25, items: 150, events: 1_500, seed: 3)
        var model = CooccurrenceRecommender(
            schema: EventSchema(), features: features, settings: settings, ranking: ranking)
        for event in events { model.learn(event) }
        let expected = BruteForceFeatures(
            events, schema: EventSchema(), settings: Self.storeSettings(features, settings))
        var compared = 0
        for user in (0..<25).map({ "u\($0)" }) {
            let consumed = Set(events.filter { $0.userID == user }.map(\.itemID))
            let got = model.recommend(for: user, count: 10, excluding: consumed)
            let want = Self.bruteForceRanking(
                expected, user: user,
                recent: ranking == .successors ? settings.transitionRecentItems : settings.cooccurrenceRecentItems,
                positionDecay: settings.cooccurrencePositionDecay, successors: ranking == .successors,
                excluding: consumed)
            #expect(got.map(\.itemID) == want.map(\.itemID), "\(user)")
            #expect(zip(got, want).allSatisfy { abs($0.score - $1.score) <= 1e-9 * max(1, abs($1.score)) })
            compared += got.count
        }
        // Not vacuous: most users have a list of several items.
        #expect(compared >= 60, "\(compared) items compared")
    }

    @Test("category-popularity ranks items of the user's three strongest categories by affinity times popularity")
    func categoryPopularityMatchesBruteForce() throws {
        // Six categories by item number; some items purchased, which weigh more.
        let events = walkStream(users: 20, items: 90, events: 1_200, seed: 8).enumerated().map { index, event in
            var event = event
            event.item["category"] = .string("c\(Int(event.itemID.dropFirst())! % 6)")
            if index % 7 == 0 { event.type = "purchase" }
            return event
        }
        var model = try ModelCatalog.make(
            "category-popularity", schema: EventSchema(), features: FeatureSettings(), settings: ModelSettings())
        for event in events { model.learn(event) }
        let expected = BruteForceFeatures(events, schema: EventSchema(), settings: FeatureSettings())
        let category = { (item: String) in "c\(Int(item.dropFirst())! % 6)" }
        var compared = 0
        for user in (0..<20).map({ "u\($0)" }) {
            let consumed = Set(events.filter { $0.userID == user }.map(\.itemID))
            let affinity = Dictionary(
                uniqueKeysWithValues: try #require(expected.user(user)).categoryAffinity.prefix(3).map {
                    ($0.category, $0.weight)
                })
            let scored = Set(events.map(\.itemID)).subtracting(consumed).compactMap { item -> ScoredItem? in
                guard let weight = affinity[category(item)] else { return nil }
                return ScoredItem(itemID: item, score: weight * expected.item(item)!.popularity, events: 0)
            }
            let want = FeatureStore.top(scored, 10)
            let got = model.recommend(for: user, count: 10, excluding: consumed)
            #expect(got.map(\.itemID) == want.map(\.itemID), "\(user)")
            // Scores are kept undecayed: the same up to one factor for the whole list.
            if let first = got.first, let wantFirst = want.first {
                #expect(
                    zip(got, want).allSatisfy {
                        abs($0.score / first.score - $1.score / wantFirst.score) < 1e-9
                    })
            }
            compared += got.count
        }
        #expect(compared >= 150, "\(compared) items compared")
    }

    @Test("popularity-recent ranks by weight decayed with its own half-life, as a recomputation")
    func recentPopularityMatchesBruteForce() throws {
        var settings = ModelSettings()
        settings.recentPopularityHalfLifeHours = 2
        let events = walkStream(users: 30, items: 50, events: 1_000, seed: 5)
        var model = try ModelCatalog.make(
            "popularity-recent", schema: EventSchema(), features: FeatureSettings(), settings: settings)
        for event in events { model.learn(event) }
        let now = events.map(\.timestampMilliseconds).max()!
        var scores: [String: Double] = [:]
        for event in events {
            scores[event.itemID, default: 0] += exp2(-Double(now - event.timestampMilliseconds) / 7_200_000)
        }
        let want = FeatureStore.top(scores.map { ScoredItem(itemID: $0.key, score: $0.value, events: 0) }, 10)
        let got = model.recommend(for: "anyone", count: 10, excluding: [])
        #expect(got.map(\.itemID) == want.map(\.itemID))
        // Popularity's scores are relative to the top one.
        #expect(zip(got, want).allSatisfy { abs($0.score - $1.score / want[0].score) < 1e-6 })
    }

    /// Candidates for one synthetic event: `informative` puts the chosen item
    /// (row 0) high more often than chance, `noise` scores every item at random.
    static func candidates(_ random: inout SeededRandom, count: Int) -> (positive: [Double], others: [Double]) {
        func uniform() -> Double { Double(random.next() % 1_000_000) / 1_000_000 }
        let positive = [0.8 + 0.2 * uniform(), uniform()]
        var others: [Double] = []
        for _ in 1..<count { others += [uniform(), uniform()] }
        return (positive, others)
    }

    /// Recall@10 of `weights` over `events` fresh synthetic events.
    static func recall(_ weights: [Double], events: Int, seed: UInt64) -> Double {
        var random = SeededRandom(seed: seed)
        var hits = 0
        for _ in 0..<events {
            let (positive, others) = candidates(&random, count: 100)
            let target = weights[0] * positive[0] + weights[1] * positive[1]
            var above = 0
            for k in 0..<(others.count / 2) where weights[0] * others[2 * k] + weights[1] * others[2 * k + 1] >= target
            {
                above += 1
            }
            if above < 10 { hits += 1 }
        }
        return Double(hits) / Double(events)
    }

    @Test("The blend moves its weight to the informative signal and away from noise, reaching its recall")
    func blendConvergesToInformativeSignal() {
        var blend = OnlineBlend(initial: [0.1, 0.9], topN: 10, window: 1_000)
        var random = SeededRandom(seed: 21)
        for _ in 0..<3_000 {
            let (positive, others) = Self.candidates(&random, count: 100)
            blend.learn(positive: positive[...], others: others)
        }
        let events = 4_000
        let informative = Self.recall([1, 0], events: events, seed: 99)
        let start = Self.recall([0.1, 0.9], events: events, seed: 99)
        let learned = Self.recall(blend.weights, events: events, seed: 99)
        // Three standard errors of a recall measured on `events` events.
        let margin = 3 * (informative * (1 - informative) / Double(events)).squareRoot()
        #expect(informative > start + 2 * margin, "the synthetic signals differ enough to tell apart")
        #expect(learned >= informative - margin, "learned \(learned), informative alone \(informative)")
        #expect(blend.weights[0] > blend.weights[1], "\(blend.weights)")
        #expect(blend.moves > 0)
    }

    @Test("On noise the blend seldom moves: two signals of pure noise move it on at most one judged event in 100")
    func blendHoldsWithoutEvidence() {
        var blend = OnlineBlend(initial: [0.5, 0.5], topN: 10, window: 1_000)
        var random = SeededRandom(seed: 8)
        func uniform() -> Double { Double(random.next() % 1_000_000) / 1_000_000 }
        for _ in 0..<3_000 {
            var others: [Double] = []
            for _ in 1..<100 { others += [uniform(), uniform()] }
            blend.learn(positive: [uniform(), uniform()][...], others: others)
        }
        // A move needs a 1.5-sigma sign test, checked after every event: on noise some
        // pass by chance: 2 to 26 in 3,000 over the first 30 seeds, 12 with this one.
        #expect(blend.moves <= 30, "\(blend.moves) moves")
        #expect(abs(blend.weights[0] - 0.5) < 0.3, "\(blend.weights)")
    }

    @Test("The hybrid's blend learns between batch pieces: the same model, byte for byte, as one event at a time")
    func hybridBlendBatchEqualsOneByOne() throws {
        var settings = ModelSettings()
        settings.hybridBlendInterval = 5
        // Popularity outweighing everything, where what comes next depends on the
        // user: the blend has something to correct.
        settings.hybridPopularityWeight = 3
        settings.hybridRecentPopularityWeight = 3
        let events = walkStream(users: 30, items: 60, events: 3_000, seed: 14)
        func make() throws -> any Recommender {
            try ModelCatalog.make("hybrid", schema: EventSchema(), features: FeatureSettings(), settings: settings)
        }
        var oneByOne = try make()
        for event in events { oneByOne.learn(event) }
        var batched = try make()
        var shared = try make()
        for start in stride(from: 0, to: events.count, by: 700) {
            let batch = Array(events[start..<min(start + 700, events.count)])
            batched.learn(contentsOf: batch)
            var sharing = ItemSideSharing(logging: true)
            shared.learn(contentsOf: batch, sharing: &sharing)
            // Every event's item side logged once, in order, across the pieces.
            #expect(sharing.log?.eventIndices == Array(batch.indices))
        }
        #expect(batched.snapshot() == oneByOne.snapshot())
        #expect(shared.snapshot() == oneByOne.snapshot())
        let hybrid = try #require(oneByOne as? HybridRecommender)
        // Not vacuous: the blend moved.
        #expect(hybrid.blend.moves > 0)
        let restored = try ModelCatalog.restore(
            "hybrid", snapshot: hybrid.snapshot(), schema: EventSchema(), features: FeatureSettings(),
            settings: settings)
        #expect(restored.snapshot() == hybrid.snapshot())
    }
}
