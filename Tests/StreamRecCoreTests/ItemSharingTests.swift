import Testing

@testable import StreamRecCore

/// Instances that each learn their own users' events and apply the item side the
/// others share must hold the item state of one instance that learned them all.
@Suite struct ItemSharingTests {
    static let schema = EventSchema()

    static func model(_ name: String) throws -> any Recommender {
        try ModelCatalog.make(name, schema: schema, features: FeatureSettings(), settings: ModelSettings())
    }

    /// Which of `instances` owns the user, as partitioning by key would decide.
    static func owner(of user: String, instances: Int) -> Int {
        Int(IDInterner.hash(user) % UInt64(instances))
    }

    /// Learns `events` in batches on `instances` models split by user; each batch's
    /// item side is shared with the others before the next batch.
    static func learnShared(
        _ events: [Event], model name: String, instances: Int, batch: Int
    ) throws
        -> [any Recommender]
    {
        var models = try (0..<instances).map { _ in try model(name) }
        for start in stride(from: 0, to: events.count, by: batch) {
            let slice = Array(events[start..<min(start + batch, events.count)])
            var shared: [[SharedItemEvent]] = []
            for k in 0..<instances {
                let indices = slice.indices.filter { owner(of: slice[$0].userID, instances: instances) == k }
                let own = indices.map { slice[$0] }
                var sharing = ItemSideSharing(logging: true)
                models[k].learn(contentsOf: own, sharing: &sharing)
                let store = models[k].featureStore!
                shared.append(store.sharedItemEvents(sharing.log!, of: own) { Int64(indices[$0]) })
            }
            for k in 0..<instances {
                for other in 0..<instances where other != k { models[k].applyShared(shared[other]) }
            }
        }
        return models
    }

    @Test(arguments: ["hybrid", "cooccurrence"])
    func sharedItemCountersEqualOneInstance(model name: String) throws {
        let events = randomEvents(seed: 7, count: 4_000, users: 60, items: 80)
        var whole = try Self.model(name)
        whole.learn(contentsOf: events)
        let reference = whole.featureStore!
        // Batches of 37 and of 300: below and above the size that learns on two threads.
        for batch in [37, 300] {
            let instances = try Self.learnShared(events, model: name, instances: 3, batch: batch)
            for instance in instances {
                let store = instance.featureStore!
                #expect(store.itemCount == reference.itemCount)
                for item in 0..<80 {
                    let expected = try #require(reference.itemFeatures("i\(item)"))
                    let actual = try #require(store.itemFeatures("i\(item)"))
                    #expect(actual.counts == expected.counts, "i\(item)")
                    #expect(actual.distinctUsers == expected.distinctUsers, "i\(item)")
                    #expect(actual.lastSeen == expected.lastSeen)
                    #expect(actual.category == expected.category)
                    #expect(close(actual.popularity, expected.popularity, relative: 1e-9), "i\(item)")
                    let similar = store.similar(to: "i\(item)", limit: 5)
                    let expectedSimilar = reference.similar(to: "i\(item)", limit: 5)
                    #expect(similar.map(\.itemID) == expectedSimilar.map(\.itemID), "i\(item)")
                }
            }
        }
    }

    @Test func sharedPopularityRanksAsOneInstance() throws {
        let events = randomEvents(seed: 11, count: 2_000, users: 40, items: 50)
        var whole = try Self.model("hybrid") as! HybridRecommender
        whole.learn(contentsOf: events)
        let instances = try Self.learnShared(events, model: "hybrid", instances: 2, batch: 100)
        for instance in instances {
            let hybrid = instance as! HybridRecommender
            let ranked = hybrid.popularity.recommend(for: "nobody", count: 10, excluding: [])
            let expected = whole.popularity.recommend(for: "nobody", count: 10, excluding: [])
            #expect(ranked.map(\.itemID) == expected.map(\.itemID))
        }
    }

    /// An event whose item side came from elsewhere first updates only its user.
    @Test func skippedItemSideUpdatesOnlyTheUser() throws {
        let events = randomEvents(seed: 3, count: 500, users: 10, items: 20)
        var store = FeatureStore(schema: Self.schema, settings: FeatureSettings())
        store.apply(contentsOf: Array(events[..<250]))
        var sharing = ItemSideSharing(skip: Array(repeating: true, count: 250), logging: true)
        var skipped = store
        skipped.apply(contentsOf: Array(events[250...]), sharing: &sharing)
        #expect(sharing.log!.count == 0)
        var whole = store
        whole.apply(contentsOf: Array(events[250...]))
        for item in 0..<20 {
            #expect(skipped.itemFeatures("i\(item)")?.counts == store.itemFeatures("i\(item)")?.counts)
        }
        for user in 0..<10 {
            #expect(skipped.userFeatures("u\(user)") == whole.userFeatures("u\(user)"))
        }
    }

    @Test func recordRoundTrips() throws {
        let record = SharedItemRecord(
            partition: 4, origin: "host-12", takenAtMilliseconds: 1_764_000_000_123,
            events: [
                SharedItemEvent(
                    offset: 17, itemID: "sku-1", type: "purchase", timestampMilliseconds: 1_700_000_000_000,
                    value: 2, newUser: true, category: "shoes", attributes: ["price": 19.5],
                    paired: ["sku-2", "sku-3"]),
                // Earlier in event time, a value that is not a small whole number.
                SharedItemEvent(
                    offset: 20, itemID: "sku-2", type: "view", timestampMilliseconds: 1_699_999_000_000,
                    value: 3.5, newUser: false, paired: ["sku-1"]),
                SharedItemEvent(
                    offset: 5_000_000_000, itemID: "sku-3", type: "rating", timestampMilliseconds: -86_400_000,
                    value: 300, newUser: true),
            ])
        let bytes = record.encoded()
        #expect(try SharedItemRecord(decoding: bytes) == record)
        #expect(record.end == 5_000_000_001)
        for cut in [0, 3, bytes.count / 2, bytes.count - 1] {
            #expect(throws: StreamRecError.self) { try SharedItemRecord(decoding: Array(bytes[..<cut])) }
        }
        #expect(throws: StreamRecError.self) { try SharedItemRecord(decoding: bytes + [0]) }
        // Found by fuzzing: a negative first offset overflowed the offset check.
        let negative = SharedItemRecord(
            partition: 0, origin: "", takenAtMilliseconds: 0,
            events: [SharedItemEvent(offset: -5, itemID: "i", type: "view", timestampMilliseconds: 0, newUser: false)])
        #expect(throws: StreamRecError.self) { try SharedItemRecord(decoding: negative.encoded()) }
    }
}

@Suite struct FactorSharingTests {
    static func bpr() -> OnlineBPR { OnlineBPR(schema: EventSchema(), settings: ModelSettings()) }

    static func itemRows(_ model: OnlineBPR, _ items: Range<Int>) -> [[Float]] {
        items.map { item in
            let row = model.state.items.index(of: "i\(item)").map { Int($0) }
            return row.map { Array(model.state.itemFactors.row($0)) + [model.state.itemBias[$0]] } ?? []
        }
    }

    /// Deltas taken after learning, added to the model as it was before, give the
    /// item rows learning gave.
    @Test func deltasCarryTheLearnedSteps() throws {
        let events = randomEvents(seed: 5, count: 600, users: 20, items: 40)
        var model = Self.bpr()
        var sharing = ItemSideSharing(logging: true)
        model.learn(contentsOf: Array(events[..<300]), sharing: &sharing)
        _ = model.takeFactorDeltas()
        var before = model
        model.learn(contentsOf: Array(events[300...]), sharing: &sharing)
        let deltas = model.takeFactorDeltas()
        #expect(!deltas.isEmpty)
        #expect(model.takeFactorDeltas().isEmpty, "taken deltas start over")
        before.applyFactorDeltas(deltas)
        let learned = Self.itemRows(model, 0..<40), shared = Self.itemRows(before, 0..<40)
        for (a, b) in zip(learned, shared) {
            #expect(a.count == b.count)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(a) \(b)")
        }
    }

    /// Deltas applied from another instance are not shared back.
    @Test func appliedDeltasAreNotSharedBack() {
        let events = randomEvents(seed: 6, count: 200, users: 10, items: 20)
        var model = Self.bpr()
        var sharing = ItemSideSharing(logging: true)
        model.learn(contentsOf: events, sharing: &sharing)
        let own = model.takeFactorDeltas()
        model.learn(contentsOf: events, sharing: &sharing)
        let remote = own.map { ItemFactorDelta(itemID: $0.itemID, factors: $0.factors.map { _ in 0.5 }, bias: 0.25) }
        var withRemote = model
        withRemote.applyFactorDeltas(remote)
        let expected = model.takeFactorDeltas()
        let taken = withRemote.takeFactorDeltas()
        #expect(taken.map(\.itemID) == expected.map(\.itemID))
        for (a, b) in zip(taken, expected) {
            #expect(zip(a.factors, b.factors).allSatisfy { abs($0 - $1) <= 1e-5 })
            #expect(abs(a.bias - b.bias) <= 1e-5)
        }
    }

    @Test func factorRecordRoundTrips() throws {
        let record = SharedFactorRecord(
            origin: "host-a", upTo: [0: 120, 3: 7], takenAtMilliseconds: 1_764_000_000_000,
            deltas: [
                ItemFactorDelta(itemID: "sku-1", factors: [0.5, -0.25, 1], bias: 0.1),
                ItemFactorDelta(itemID: "sku-2", factors: [0, 0, -1], bias: -2),
            ])
        let bytes = record.encoded()
        #expect(SharedFactorRecord.isFactorRecord(bytes))
        #expect(
            !SharedFactorRecord.isFactorRecord(
                SharedItemRecord(partition: 0, origin: "", takenAtMilliseconds: 0, events: []).encoded()))
        #expect(try SharedFactorRecord(decoding: bytes) == record)
        for cut in [0, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: StreamRecError.self) { try SharedFactorRecord(decoding: Array(bytes[..<cut])) }
        }
    }
}
