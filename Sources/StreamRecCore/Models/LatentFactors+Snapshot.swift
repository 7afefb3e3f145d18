extension LatentFactors {
    /// Appends the factor state to a snapshot being written.
    func encode(into w: inout BinaryWriter) {
        for interner in [users, items] {
            w.write(interner.ids)
            w.write(block: interner.free)
        }
        w.write(Int64(userFactors.factors))
        w.write(block: userFactors.values)
        w.write(block: itemFactors.values)
        w.write(block: userBias)
        w.write(block: itemBias)
        w.write(seed)
        w.write(Double(initScale))
    }

    /// Reads what ``encode(into:)`` wrote, checking that rows and ids agree.
    static func decode(_ r: inout BinaryReader) throws(StreamRecError) -> LatentFactors {
        let users = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        let items = try IDInterner(ids: try r.readStrings(), free: try r.readBlock())
        let factors = Int(try r.read(Int64.self))
        guard (1...1_024).contains(factors) else {
            throw StreamRecError.snapshot("inconsistent snapshot: \(factors) factors")
        }
        let userValues: [Float] = try r.readBlock(), itemValues: [Float] = try r.readBlock()
        let userBias: [Float] = try r.readBlock(), itemBias: [Float] = try r.readBlock()
        let seed: UInt64 = try r.read()
        var state = LatentFactors(factors: factors, seed: seed, initScale: try r.readDouble())
        state.users = users
        state.items = items
        state.userFactors = try FactorMatrix(factors: factors, values: userValues)
        state.itemFactors = try FactorMatrix(factors: factors, values: itemValues)
        state.userBias = userBias
        state.itemBias = itemBias
        guard state.userFactors.rows == users.capacity, state.itemFactors.rows == items.capacity,
            userBias.count == users.capacity, itemBias.count == items.capacity
        else {
            throw StreamRecError.snapshot("inconsistent snapshot: factor rows do not match the interned ids")
        }
        return state
    }
}

extension ISGD {
    /// The model as a versioned, checksummed snapshot; equal state, equal bytes.
    public func snapshot() -> [UInt8] {
        var w = BinaryWriter()
        state.encode(into: &w)
        w.write(recencyNegatives)
        w.write(block: recency.newer)
        w.write(block: recency.older)
        w.write(recency.newest)
        w.write(recency.oldest)
        return SnapshotEnvelope.seal(kind: "ISGD", version: 1, payload: w.bytes)
    }

    /// Restores a model from ``snapshot()``; the schema and settings are the caller's.
    public init(snapshot bytes: [UInt8], schema: EventSchema, settings: ModelSettings) throws(StreamRecError) {
        var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "ISGD", version: 1))
        let state = try LatentFactors.decode(&r)
        self.init(schema: schema, settings: settings, recencyNegatives: try r.readBool())
        self.state = state
        recency = RecencyList(
            newer: try r.readBlock(), older: try r.readBlock(), newest: try r.read(), oldest: try r.read())
        guard r.remaining == 0, recency.newer.count == recency.older.count else {
            throw StreamRecError.snapshot("inconsistent snapshot: recency list")
        }
    }
}

extension OnlineBPR {
    /// The model as a versioned, checksummed snapshot; equal state, equal bytes.
    public func snapshot() -> [UInt8] {
        var w = BinaryWriter()
        state.encode(into: &w)
        w.write(block: recentItems)
        w.write(Int64(recentCursor))
        w.write(events)
        return SnapshotEnvelope.seal(kind: "BPR ", version: 1, payload: w.bytes)
    }

    public init(snapshot bytes: [UInt8], schema: EventSchema, settings: ModelSettings) throws(StreamRecError) {
        var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "BPR ", version: 1))
        let state = try LatentFactors.decode(&r)
        self.init(schema: schema, settings: settings)
        self.state = state
        recentItems = try r.readBlock()
        recentCursor = Int(try r.read(Int64.self))
        events = try r.read()
        guard r.remaining == 0, recentCursor >= 0, recentCursor <= max(recentItems.count, 0),
            recentItems.allSatisfy({ $0 >= 0 && Int($0) < state.items.capacity })
        else {
            throw StreamRecError.snapshot("inconsistent snapshot: recent items")
        }
    }
}

extension BiasedMF {
    /// The model as a versioned, checksummed snapshot; equal state, equal bytes.
    public func snapshot() -> [UInt8] {
        var w = BinaryWriter()
        state.encode(into: &w)
        w.write(globalMean)
        w.write(Int64(ratingsSeen))
        return SnapshotEnvelope.seal(kind: "BMF ", version: 1, payload: w.bytes)
    }

    public init(snapshot bytes: [UInt8], schema: EventSchema, settings: ModelSettings) throws(StreamRecError) {
        var r = BinaryReader(try SnapshotEnvelope.open(bytes, kind: "BMF ", version: 1))
        let state = try LatentFactors.decode(&r)
        self.init(schema: schema, settings: settings)
        self.state = state
        globalMean = try r.readDouble()
        ratingsSeen = Int(try r.read(Int64.self))
        guard r.remaining == 0 else { throw StreamRecError.snapshot("inconsistent snapshot: trailing bytes") }
    }
}
