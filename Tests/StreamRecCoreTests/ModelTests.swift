import Foundation
import Testing

@testable import StreamRecCore

/// Events from known low-rank preferences: each user repeatedly picks, among a
/// few random candidate items, the one its hidden factors like best, so that
/// what a user wants depends on the user, not only on the item's popularity.
func lowRankStream(users: Int, items: Int, events: Int, factors: Int = 4, seed: UInt64) -> [Event] {
    var random = SeededRandom(seed: seed)
    let userFactors = (0..<users).map { _ in (0..<factors).map { _ in random.normal() } }
    let itemFactors = (0..<items).map { _ in (0..<factors).map { _ in random.normal() } }
    var seen = [Set<Int>](repeating: [], count: users)
    var stream: [Event] = []
    for index in 0..<events {
        let user = Int(random.next() % UInt64(users))
        var best = -1
        var bestScore = -Float.infinity
        for _ in 0..<40 {
            let item = Int(random.next() % UInt64(items))
            guard !seen[user].contains(item) else { continue }
            let score = zip(userFactors[user], itemFactors[item]).reduce(0) { $0 + $1.0 * $1.1 }
            if score > bestScore { (best, bestScore) = (item, score) }
        }
        guard best >= 0 else { continue }
        seen[user].insert(best)
        stream.append(
            Event(
                userID: "u\(user)", itemID: "i\(best)", type: "view",
                timestampMilliseconds: 1_700_000_000_000 + Int64(index) * 1000))
    }
    return stream
}

/// The same events as ratings (1–5, from the item id), so that every model,
/// the explicit-feedback ones included, learns from them.
func asRatings(_ events: [Event]) -> [Event] {
    events.map { event in
        var rating = event
        rating.type = "rating"
        rating.value = Double(1 + Int(event.itemID.dropFirst())! % 5)
        return rating
    }
}

@Suite("Models and ranking")
struct ModelTests {
    /// Lists of 10 are kept in a heap; lists of 40 and 200 of the 500 rows are
    /// selected in place (`TopN.selectionRatio`). A zero user vector makes the
    /// scores the biases, rounded so that many tie.
    @Test(
        "Top-N equals a brute-force sort, biases, exclusions and ties included, by heap and in place",
        arguments: [10, 40, 200], [false, true])
    func topNMatchesBruteForce(count: Int, ties: Bool) {
        var random = SeededRandom(seed: 11)
        var items = FactorMatrix(factors: 20)
        for _ in 0..<500 { items.appendRow(scale: 1, random: &random) }
        var users = FactorMatrix(factors: 20)
        users.appendRow(scale: ties ? 0 : 1, random: &random)
        let bias = (0..<500).map { _ in ties ? Float(Int(random.normal() * 3)) : random.normal() * 0.3 }
        let excluded: [Int32] = [3, 17, 42, 99, 250, 499]
        let (ranked, unordered) = users.values.withUnsafeBufferPointer {
            (
                TopN.rank(user: $0.baseAddress!, items: items, bias: bias, count: count, excluded: excluded),
                TopN.rank(
                    user: $0.baseAddress!, items: items, bias: bias, count: count, excluded: excluded, sorted: false)
            )
        }
        var brute: [TopN.Entry] = []
        for row in 0..<500 where !excluded.contains(Int32(row)) {
            let score: Float = users.dot(row: 0, with: items, row: row) + bias[row]
            brute.append(TopN.Entry(row: Int32(row), score: score))
        }
        brute.sort { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
        #expect(ranked == Array(brute.prefix(count)))
        #expect(Set(unordered.map(\.row)) == Set(brute.prefix(count).map(\.row)))
        #expect(ranked.allSatisfy { !excluded.contains($0.row) })
    }

    @Test(
        "Popularity ranked from the leaders kept after a batch equals a full ranking, exclusions and fallback included")
    func popularityLeadersMatchFullRanking() {
        // More items than leaders are kept, ties in popularity, and an exclusion list
        // long enough that the leaders run out.
        let items = PopularityRecommender.leaderCount + 300
        var random = SeededRandom(seed: 21)
        let events = (0..<20_000).map { index in
            Event(
                userID: "u\(index % 50)", itemID: "i\(Int(random.next() % UInt64(items)) / (index % 3 + 1))",
                type: index % 7 == 0 ? "purchase" : "view",
                timestampMilliseconds: 1_700_000_000_000 + Int64(index) * 60_000)
        }
        var full = PopularityRecommender(schema: EventSchema(), halfLifeHours: 24)
        for event in events { full.learn(event) }
        var batched = PopularityRecommender(schema: EventSchema(), halfLifeHours: 24)
        batched.learn(contentsOf: events)
        #expect(batched.leaders != nil && full.leaders == nil)
        let byPopularity = full.recommend(for: "u0", count: items, excluding: [])
        let exclusions: [Set<String>] = [
            [], Set(byPopularity.prefix(5).map(\.itemID)), Set(byPopularity.prefix(40).map(\.itemID)),
            Set(byPopularity.prefix(PopularityRecommender.leaderCount - 5).map(\.itemID)),
        ]
        for excluded in exclusions {
            for count in [1, 10, 200] {
                let expected = full.recommend(for: "u0", count: count, excluding: excluded)
                #expect(expected.count == count)
                #expect(batched.recommend(for: "u0", count: count, excluding: excluded) == expected)
                #expect(
                    Set(batched.candidates(for: "u0", count: count, excluding: excluded).map(\.itemID))
                        == Set(expected.map(\.itemID)))
            }
        }
    }

    @Test(
        "Learning a batch gives the same model, byte for byte, as learning its events one by one",
        arguments: ModelCatalog.names)
    func batchEqualsOneByOne(name: String) throws {
        let events = lowRankStream(users: 40, items: 60, events: 3_000, seed: 9)
        var oneByOne = try ModelCatalog.make(
            name, schema: EventSchema(), features: FeatureSettings(), settings: ModelSettings())
        var batched = try ModelCatalog.make(
            name, schema: EventSchema(), features: FeatureSettings(), settings: ModelSettings())
        for event in events { oneByOne.learn(event) }
        for start in stride(from: 0, to: events.count, by: 700) {
            batched.learn(contentsOf: Array(events[start..<min(start + 700, events.count)]))
        }
        #expect(batched.snapshot() == oneByOne.snapshot())
        #expect(
            batched.recommend(for: "u1", count: 10, excluding: [])
                == oneByOne.recommend(for: "u1", count: 10, excluding: []))
    }

    @Test("Recommendations leave out the excluded items, and unknown users get nothing from factor models")
    func exclusion() throws {
        var model = OnlineBPR(schema: EventSchema(), settings: ModelSettings())
        for event in lowRankStream(users: 30, items: 50, events: 2_000, seed: 4) { model.learn(event) }
        let all = model.recommend(for: "u1", count: 50, excluding: [])
        let excluded = Set(all.prefix(5).map(\.itemID))
        let rest = model.recommend(for: "u1", count: 10, excluding: excluded)
        #expect(rest.count == 10)
        #expect(Set(rest.map(\.itemID)).isDisjoint(with: excluded))
        #expect(rest.map(\.itemID) == Array(all.dropFirst(5).prefix(10)).map(\.itemID))
        #expect(model.recommend(for: "nobody", count: 10, excluding: []).isEmpty)
        #expect(model.state.users.index(of: "nobody") == nil, "scoring never creates state")
    }

    @Test("ISGD, RAISGD and BPR learn personal preferences: Recall@10 above popularity by more than 3 standard errors")
    func factorModelsBeatPopularity() {
        let events = lowRankStream(users: 150, items: 300, events: 15_000, seed: 7)
        var settings = ModelSettings()
        settings.factors = 16
        let schema = EventSchema()
        let models: [any Recommender] = [
            PopularityRecommender(schema: schema, halfLifeHours: nil), ISGD(schema: schema, settings: settings),
            ISGD(schema: schema, settings: settings, recencyNegatives: true),
            OnlineBPR(schema: schema, settings: settings),
        ]
        var options = PrequentialEvaluation.Options()
        options.topN = 10
        let results = PrequentialEvaluation.run(models: models, events: events, ratingRange: 0...5, options: options)
        let popularity = results[0]
        for result in results.dropFirst() {
            let n = Double(result.evaluated)
            let (p1, p2) = (result.recall, popularity.recall)
            let standardError = (p1 * (1 - p1) / n + p2 * (1 - p2) / n).squareRoot()
            #expect(p1 - p2 > 3 * standardError, "\(result.model): \(p1) vs popularity \(p2) (SE \(standardError))")
        }
    }

    @Test("Prequential evaluation counts the positives no ranking can hit: new items and repeats of consumed ones")
    func unreachablePositives() {
        func event(_ user: String, _ item: String, _ t: Int64) -> Event {
            Event(userID: user, itemID: item, type: "view", timestampMilliseconds: 1_700_000_000_000 + t)
        }
        // a, b new; a again for u2 reachable; a for u1 a repeat; c new; b for u2 reachable.
        let events = [
            event("u1", "a", 0), event("u1", "b", 1), event("u2", "a", 2), event("u1", "a", 3), event("u2", "c", 4),
            event("u2", "b", 5),
        ]
        let results = PrequentialEvaluation.run(
            models: [PopularityRecommender(schema: EventSchema(), halfLifeHours: nil)], events: events,
            ratingRange: 0...5, options: PrequentialEvaluation.Options())
        #expect(results[0].unreachableNewItem == 3)
        #expect(results[0].unreachableRepeat == 1)
        #expect(results[0].reachableRecall == 2.0 / 6.0)
        #expect(results[0].hits <= 2)
    }

    @Test("Biased MF's error on held-out synthetic ratings approaches the noise level")
    func biasedMFApproachesNoise() {
        var random = SeededRandom(seed: 5)
        let noise: Float = 0.25
        let (users, items, factors) = (200, 200, 3)
        let userBias = (0..<users).map { _ in random.normal() * 0.4 },
            itemBias = (0..<items).map { _ in random.normal() * 0.4 }
        let p = (0..<users).map { _ in (0..<factors).map { _ in random.normal() * 0.6 } }
        let q = (0..<items).map { _ in (0..<factors).map { _ in random.normal() * 0.6 } }
        var ratings: [Event] = []
        for u in 0..<users {
            for i in 0..<items where random.next() % 2 == 0 {
                let truth = 3 + userBias[u] + itemBias[i] + zip(p[u], q[i]).reduce(0) { $0 + $1.0 * $1.1 }
                ratings.append(
                    Event(
                        userID: "u\(u)", itemID: "i\(i)", type: "rating", timestampMilliseconds: 1_700_000_000_000,
                        value: Double(truth + random.normal() * noise)))
            }
        }
        ratings.shuffle(using: &random)
        let test = Array(ratings.prefix(ratings.count / 10)), train = Array(ratings.dropFirst(ratings.count / 10))
        var schema = EventSchema()
        schema.ratingRange = -100...100
        var settings = ModelSettings()
        settings.ratingFactors = 10
        settings.ratingLearningRate = 0.01
        var model = BiasedMF(schema: schema, settings: settings)
        model.fit(train, epochs: 60)
        func rmse(_ predict: (Event) -> Double) -> Double {
            (test.reduce(0) { $0 + pow(predict($1) - $1.value!, 2) } / Double(test.count)).squareRoot()
        }
        let modelError = rmse { model.predictRating(user: $0.userID, item: $0.itemID)! }
        let meanError = rmse { _ in model.globalMean }
        #expect(modelError < Double(noise) * 1.3, "RMSE \(modelError) vs noise \(noise)")
        #expect(modelError < meanError / 2, "RMSE \(modelError) vs predicting the mean \(meanError)")
    }

    @Test("Same events, same order: bit-identical snapshots; a restored model goes on identically")
    func determinism() throws {
        let events = lowRankStream(users: 40, items: 80, events: 3_000, seed: 9)
        let schema = EventSchema()
        var settings = ModelSettings()
        settings.negativeSampling = .popularity
        func trained<M: Recommender>(_ make: () -> M, _ range: Range<Int>) -> M {
            var model = make()
            for event in events[range] { model.learn(event) }
            return model
        }
        let isgdA = trained({ ISGD(schema: schema, settings: settings, recencyNegatives: true) }, events.indices)
        let isgdB = trained({ ISGD(schema: schema, settings: settings, recencyNegatives: true) }, events.indices)
        #expect(isgdA.snapshot() == isgdB.snapshot())
        let bprA = trained({ OnlineBPR(schema: schema, settings: settings) }, events.indices)
        let bprB = trained({ OnlineBPR(schema: schema, settings: settings) }, events.indices)
        #expect(bprA.snapshot() == bprB.snapshot())

        let middle = events.count / 2
        var half = trained({ OnlineBPR(schema: schema, settings: settings) }, 0..<middle)
        var restored = try OnlineBPR(snapshot: half.snapshot(), schema: schema, settings: settings)
        for event in events[middle...] {
            half.learn(event)
            restored.learn(event)
        }
        #expect(restored.snapshot() == bprA.snapshot())
        #expect(half.snapshot() == bprA.snapshot())

        let ratings = events.prefix(1_000).map { event in
            var rating = event
            rating.type = "rating"
            rating.value = Double(1 + Int(event.itemID.dropFirst())! % 5)
            return rating
        }
        var mf1 = BiasedMF(schema: schema, settings: settings), mf2 = BiasedMF(schema: schema, settings: settings)
        for rating in ratings { mf1.learn(rating); mf2.learn(rating) }
        #expect(mf1.snapshot() == mf2.snapshot())
        #expect(try BiasedMF(snapshot: mf1.snapshot(), schema: schema, settings: settings).snapshot() == mf1.snapshot())
        var damaged = mf1.snapshot()
        damaged[damaged.count / 2] ^= 1
        #expect(throws: StreamRecError.self) { _ = try BiasedMF(snapshot: damaged, schema: schema, settings: settings) }
    }

    @Test(
        "Every model: two runs give identical snapshot bytes, and a restored copy learns on identically",
        arguments: ModelCatalog.names)
    func everyModelSnapshots(name: String) throws {
        let events = asRatings(lowRankStream(users: 25, items: 40, events: 800, seed: 12))
        let (schema, features, settings) = (EventSchema(), FeatureSettings(), ModelSettings())
        var first = try ModelCatalog.make(name, schema: schema, features: features, settings: settings)
        var second = try ModelCatalog.make(name, schema: schema, features: features, settings: settings)
        for event in events.prefix(400) { first.learn(event); second.learn(event) }
        #expect(first.snapshot() == second.snapshot())
        var restored = try ModelCatalog.restore(
            name, snapshot: first.snapshot(), schema: schema, features: features, settings: settings)
        #expect(restored.snapshot() == first.snapshot())
        for event in events.dropFirst(400) { first.learn(event); restored.learn(event) }
        #expect(restored.snapshot() == first.snapshot())
        #expect(
            restored.recommend(for: "u1", count: 5, excluding: [])
                == first.recommend(for: "u1", count: 5, excluding: []))
    }

    @Test("similar(item) ranks by factor cosine: an item's scaled copy comes first")
    func factorCosine() {
        var state = LatentFactors(factors: 8, seed: 1, initScale: 1)
        for index in 0..<20 { _ = state.item("i\(index)") }
        // Make i7 point the same way as i3, at twice the length.
        let stride = state.itemFactors.stride
        state.itemFactors.withRows { rows in
            for k in 0..<8 { rows[7 * stride + k] = 2 * rows[3 * stride + k] }
        }
        let similar = state.similarItems(to: "i3", count: 5)
        #expect(similar.first?.itemID == "i7")
        #expect(abs((similar.first?.score ?? 0) - 1) < 1e-5)
        #expect(!similar.contains { $0.itemID == "i3" })
        #expect(state.similarItems(to: "nope", count: 5).isEmpty)
    }

    @Test("The catalog knows every model and names them in its error")
    func catalog() throws {
        for name in ModelCatalog.names {
            let model = try ModelCatalog.make(
                name, schema: EventSchema(), features: FeatureSettings(), settings: ModelSettings())
            #expect(model.name == name)
        }
        let error = try #require(throws: StreamRecError.self) {
            _ = try ModelCatalog.make(
                "svd++", schema: EventSchema(), features: FeatureSettings(), settings: ModelSettings())
        }
        #expect(error.message.contains("isgd"))
    }
}
