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

    public init(snapshot bytes: [UInt8], schema: EventSchema) throws(StreamRecError) {
        var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "POP ", version: 1))
        let items = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        let scores: [Double] = try r.readBlock()
        let decayed = try r.readBool()
        let landmark: Int64 = try r.read()
        let halfLife = try r.readDouble()
        self.init(schema: schema, halfLifeHours: decayed ? halfLife : nil)
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
        SnapshotEnvelope.sealing(kind: "COOC", version: 1) { w in
            let features = store.snapshot()
            w.reserveCapacity(features.count + 64)
            w.write(Int64(recentItems))
            w.write(Int64(neighbours))
            w.write(block: features)
        }
    }

    public init(snapshot bytes: [UInt8]) throws(StreamRecError) {
        var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "COOC", version: 1))
        recentItems = Int(try r.read(Int64.self))
        neighbours = Int(try r.read(Int64.self))
        store = try FeatureStore(snapshot: try r.readBlock(UInt8.self))
        guard r.remaining == 0 else { throw StreamRecError.snapshot("inconsistent snapshot: trailing bytes") }
    }
}

extension HybridRecommender {
    public func snapshot() -> [UInt8] {
        SnapshotEnvelope.sealing(kind: "HYBR", version: 1) { w in
            let parts = [base.snapshot(), cooccurrence.snapshot(), popularity.snapshot()]
            w.reserveCapacity(parts.reduce(64) { $0 + $1.count + 8 })
            w.write(base.name)
            for part in parts { w.write(block: part) }
        }
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
        case "popularity", "popularity-cumulative": return try PopularityRecommender(snapshot: bytes, schema: schema)
        case "cooccurrence": return try CooccurrenceRecommender(snapshot: bytes)
        case "hybrid":
            var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "HYBR", version: 1))
            let baseName = try r.readString()
            guard baseName != "hybrid" else {
                throw StreamRecError.snapshot("inconsistent snapshot: a hybrid inside a hybrid")
            }
            let base = try restore(
                baseName, snapshot: try r.readBlock(), schema: schema, features: features, settings: settings)
            let cooccurrence = try CooccurrenceRecommender(snapshot: try r.readBlock())
            let popularity = try PopularityRecommender(snapshot: try r.readBlock(), schema: schema)
            guard r.remaining == 0 else { throw StreamRecError.snapshot("inconsistent snapshot: trailing bytes") }
            return HybridRecommender(base: base, cooccurrence: cooccurrence, popularity: popularity, settings: settings)
        default:
            throw StreamRecError.snapshot("unknown model '\(name)' in snapshot")
        }
    }
}
