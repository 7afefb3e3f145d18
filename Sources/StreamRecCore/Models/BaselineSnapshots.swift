extension PopularityRecommender {
    public func snapshot() -> [UInt8] {
        var w = BinaryWriter()
        w.write(items.ids)
        w.write(block: items.free)
        w.write(block: scores)
        w.write(decay != nil)
        w.write(decay?.landmark ?? 0)
        w.write(decay.map { $0.halfLifeMilliseconds / 3_600_000 } ?? 0)
        w.write(now)
        return SnapshotEnvelope.seal(kind: "POP ", version: 1, payload: w.bytes)
    }

    /// - Parameter name: the model's name (the snapshot does not hold it).
    public init(snapshot bytes: [UInt8], schema: EventSchema, name: String? = nil) throws(StreamRecError) {
        var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "POP ", version: 1))
        let items = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        let scores: [Double] = try r.readBlock()
        let decayed = try r.readBool()
        let landmark: Int64 = try r.read()
        let halfLife = try r.readDouble()
        self.init(schema: schema, halfLifeHours: decayed ? halfLife : nil, name: name)
        guard scores.count == items.capacity, r.remaining == 8 else {
            throw StreamRecError.snapshot("inconsistent snapshot: popularity scores")
        }
        self.items = items
        self.scores = scores
        decay = decayed ? ForwardDecay(halfLifeHours: halfLife, landmark: landmark) : nil
        now = try r.read()
    }
}

extension CooccurrenceRecommender {
    public func snapshot() -> [UInt8] {
        SnapshotEnvelope.sealing(kind: "COOC", version: 2) { w in
            let features = store.snapshot()
            w.reserveCapacity(features.count + 64)
            w.write(Int64(recentItems))
            w.write(Int64(neighbours))
            w.write(positionDecay)
            w.write(ranking.rawValue)
            w.write(Int64(transitionRecentItems))
            w.write(block: features)
        }
    }

    /// Reads format 2, and format 1 (written before rankings weighed recent items
    /// by position, all alike, and before transitions).
    public init(snapshot bytes: [UInt8]) throws(StreamRecError) {
        let (payload, version) = try SnapshotEnvelope.open(bytes, kind: "COOC", versions: 1...2)
        var r = BinaryReader(payload)
        recentItems = Int(try r.read(Int64.self))
        neighbours = Int(try r.read(Int64.self))
        positionDecay = version >= 2 ? try r.readDouble() : 1
        let ranking = version >= 2 ? Ranking(rawValue: try r.read(UInt8.self)) : .neighbours
        transitionRecentItems = version >= 2 ? Int(try r.read(Int64.self)) : 1
        guard let ranking, (0...1).contains(positionDecay), (1...1_000).contains(transitionRecentItems) else {
            throw StreamRecError.snapshot("inconsistent snapshot: co-occurrence ranking settings")
        }
        self.ranking = ranking
        store = try FeatureStore(snapshot: try r.readBlock(UInt8.self))
        guard r.remaining == 0 else { throw StreamRecError.snapshot("inconsistent snapshot: trailing bytes") }
    }
}

extension HybridRecommender {
    public func snapshot() -> [UInt8] {
        SnapshotEnvelope.sealing(kind: "HYBR", version: 2) { w in
            let parts = [base.snapshot(), cooccurrence.snapshot(), popularity.snapshot(), recentPopularity.snapshot()]
            w.reserveCapacity(parts.reduce(128) { $0 + $1.count + 8 })
            w.write(base.name)
            for part in parts { w.write(block: part) }
            w.write(block: blend.weights)
            w.write(block: blend.wins.map(Int64.init))
            w.write(block: blend.losses.map(Int64.init))
            for value in [blend.moves, blend.judged, blend.topN, blend.window, learned] { w.write(Int64(value)) }
        }
    }

    /// Reads format 2, and format 1 (before recent popularity and the learned
    /// blend: both start afresh, from the configured weights).
    static func restore(
        snapshot bytes: [UInt8], schema: EventSchema, features: FeatureSettings, settings: ModelSettings
    ) throws(StreamRecError) -> HybridRecommender {
        let (payload, version) = try SnapshotEnvelope.open(bytes, kind: "HYBR", versions: 1...2)
        var r = BinaryReader(payload)
        let baseName = try r.readString()
        guard baseName != "hybrid" else {
            throw StreamRecError.snapshot("inconsistent snapshot: a hybrid inside a hybrid")
        }
        let base = try ModelCatalog.restore(
            baseName, snapshot: try r.readBlock(), schema: schema, features: features, settings: settings)
        let cooccurrence = try CooccurrenceRecommender(snapshot: try r.readBlock())
        let popularity = try PopularityRecommender(snapshot: try r.readBlock(), schema: schema)
        guard version >= 2 else {
            guard r.remaining == 0 else { throw StreamRecError.snapshot("inconsistent snapshot: trailing bytes") }
            return HybridRecommender(
                base: base, cooccurrence: cooccurrence, popularity: popularity,
                recentPopularity: Self.recentPopularity(schema: schema, settings: settings), settings: settings)
        }
        let recent = try PopularityRecommender(snapshot: try r.readBlock(), schema: schema, name: "popularity-recent")
        let weights: [Double] = try r.readBlock()
        let wins: [Int64] = try r.readBlock()
        let losses: [Int64] = try r.readBlock()
        var counters: [Int] = []
        for _ in 0..<5 { counters.append(Int(try r.read(Int64.self))) }
        let (moves, judged, topN, window, learned) = (counters[0], counters[1], counters[2], counters[3], counters[4])
        guard weights.count == RowFeatures.signals, weights.allSatisfy({ $0 >= 0 && $0.isFinite }),
            wins.count == 2 * weights.count, losses.count == wins.count, (wins + losses).allSatisfy({ $0 >= 0 }),
            counters.allSatisfy({ $0 >= 0 }), topN > 0, window > 0, judged < window
        else { throw StreamRecError.snapshot("inconsistent snapshot: hybrid blend") }
        guard r.remaining == 0 else { throw StreamRecError.snapshot("inconsistent snapshot: trailing bytes") }
        return HybridRecommender(
            base: base, cooccurrence: cooccurrence, popularity: popularity, recentPopularity: recent,
            settings: settings,
            blend: OnlineBlend(
                weights: weights, moves: moves, judged: judged, wins: wins.map(Int.init),
                losses: losses.map(Int.init), topN: topN, window: window),
            learned: learned)
    }

    /// The recency signal of a new hybrid.
    static func recentPopularity(schema: EventSchema, settings: ModelSettings) -> PopularityRecommender {
        PopularityRecommender(
            schema: schema, halfLifeHours: settings.recentPopularityHalfLifeHours, name: "popularity-recent")
    }
}

extension ModelCatalog {
    /// A model restored from its ``Recommender/snapshot()``; `name` says which kind.
    public static func restore(
        _ name: String, snapshot bytes: [UInt8], schema: EventSchema, features: FeatureSettings, settings: ModelSettings
    ) throws(StreamRecError) -> any Recommender {
        switch name {
        case "isgd", "raisgd": return try ISGD(snapshot: bytes, schema: schema, settings: settings)
        case "bpr": return try OnlineBPR(snapshot: bytes, schema: schema, settings: settings)
        case "biased-mf": return try BiasedMF(snapshot: bytes, schema: schema, settings: settings)
        case "popularity", "popularity-cumulative", "popularity-recent":
            return try PopularityRecommender(snapshot: bytes, schema: schema, name: name)
        case "cooccurrence", "transitions", "category-popularity": return try CooccurrenceRecommender(snapshot: bytes)
        case "hybrid":
            return try HybridRecommender.restore(
                snapshot: bytes, schema: schema, features: features, settings: settings)
        default:
            throw StreamRecError.snapshot("unknown model '\(name)' in snapshot")
        }
    }
}
