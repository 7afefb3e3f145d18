/// What the engine writes to make its state durable: the feature store, the model
/// and, for every partition the state has consumed, the next offset to read. State
/// and offsets travel in one file so that a restart re-applies exactly the events
/// after the snapshot (exactly-once state, whatever happened to the process).
package struct EngineCheckpoint: Sendable, Equatable {
    /// The events topic the offsets belong to.
    package var topic: String
    /// Next offset to read, per partition of `topic`.
    package var offsets: [Int32: Int64]
    /// Records consumed into this state, valid or dead-lettered.
    package var recordsConsumed: Int64
    /// Events applied to the features and the model.
    package var eventsApplied: Int64
    /// Wall-clock time of writing, epoch milliseconds.
    package var writtenAt: Int64
    package var modelName: String
    /// ``FeatureStore/snapshot()`` of the engine's own store; empty when the model
    /// keeps the store (co-occurrence, hybrid) and `model` holds it. Read it with
    /// ``featureStore(schema:features:settings:)``.
    package var features: [UInt8]
    /// ``Recommender/snapshot()``.
    package var model: [UInt8]
    /// The generation of the engine's user store this state goes with: users
    /// outside memory are in the store as its writes up to this generation left
    /// them. 0 when no user was ever moved out of memory.
    package var storeGeneration: UInt64
    /// The events partition of each user held in memory, so that the users of a
    /// partition another instance takes over can be let go.
    package var userPartitions: [String: Int32]
    /// Where the state stands in the item side shared between instances.
    package var sharedItems: SharedItemPositions

    package init(
        topic: String, offsets: [Int32: Int64], recordsConsumed: Int64, eventsApplied: Int64, writtenAt: Int64,
        modelName: String, features: [UInt8], model: [UInt8], storeGeneration: UInt64 = 0,
        userPartitions: [String: Int32] = [:], sharedItems: SharedItemPositions = SharedItemPositions()
    ) {
        self.sharedItems = sharedItems
        self.storeGeneration = storeGeneration
        self.userPartitions = userPartitions
        self.topic = topic
        self.offsets = offsets
        self.recordsConsumed = recordsConsumed
        self.eventsApplied = eventsApplied
        self.writtenAt = writtenAt
        self.modelName = modelName
        self.features = features
        self.model = model
    }

    /// The feature store of this state: the engine's own, or the model's when the
    /// model keeps it (its snapshot is then restored, with the configuration's
    /// schema and settings).
    package func featureStore(
        schema: EventSchema, features settings: FeatureSettings, settings modelSettings: ModelSettings
    ) throws(StreamRecError) -> FeatureStore {
        if !features.isEmpty { return try FeatureStore(snapshot: features) }
        let restored = try ModelCatalog.restore(
            modelName, snapshot: model, schema: schema, features: settings, settings: modelSettings)
        guard let store = restored.featureStore else {
            throw StreamRecError.snapshot(
                "inconsistent checkpoint: model '\(modelName)' keeps no feature store and the checkpoint holds none")
        }
        return store
    }

    static let kind = "CKPT"
    /// 2 added ``storeGeneration`` and ``userPartitions``; a version 1 file reads
    /// as generation 0 with no partitions known. 3 added ``sharedItems``, empty
    /// in older files.
    static let version: UInt16 = 3

    /// The checkpoint as one checksummed snapshot (``SnapshotEnvelope``).
    package func encoded() -> [UInt8] {
        let parts = encodedParts()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { bytes += part }
        return bytes
    }

    /// ``encoded()`` in consecutive parts, the feature and model snapshots among
    /// them as they are: written in order they make the same file, without a
    /// third copy of the state in memory.
    package func encodedParts() -> [[UInt8]] {
        var head = BinaryWriter()
        head.write(topic)
        let partitions = offsets.keys.sorted()
        head.write(UInt32(partitions.count))
        for partition in partitions {
            head.write(partition)
            head.write(offsets[partition]!)
        }
        head.write(recordsConsumed)
        head.write(eventsApplied)
        head.write(writtenAt)
        head.write(storeGeneration)
        let users = userPartitions.keys.sorted()
        head.write(users)
        head.write(block: users.map { userPartitions[$0]! })
        head.write(modelName)
        head.write(UInt64(features.count))  // the features block's length; its bytes follow
        var modelLength = BinaryWriter()
        modelLength.write(UInt64(model.count))
        var tail = BinaryWriter()
        sharedItems.write(to: &tail)
        return SnapshotEnvelope.frame(
            kind: Self.kind, version: Self.version,
            parts: [head.bytes, features, modelLength.bytes, model, tail.bytes])
    }

    /// Reads ``encoded()``; a corrupt or truncated file throws and yields nothing.
    package init(decoding bytes: [UInt8]) throws(StreamRecError) {
        let (payload, version) = try SnapshotEnvelope.open(bytes, kind: Self.kind, versions: 1...Self.version)
        var reader = BinaryReader(payload)
        topic = try reader.readString()
        let count = Int(try reader.read(UInt32.self))
        guard count <= reader.remaining / 12 else {
            throw StreamRecError.snapshot("inconsistent checkpoint: \(count) partitions")
        }
        var offsets: [Int32: Int64] = [:]
        for _ in 0..<count {
            let partition = try reader.read(Int32.self)
            offsets[partition] = try reader.read(Int64.self)
        }
        self.offsets = offsets
        recordsConsumed = try reader.read(Int64.self)
        eventsApplied = try reader.read(Int64.self)
        writtenAt = try reader.read(Int64.self)
        storeGeneration = version >= 2 ? try reader.read(UInt64.self) : 0
        var userPartitions: [String: Int32] = [:]
        if version >= 2 {
            let users = try reader.readStrings()
            let partitions: [Int32] = try reader.readBlock()
            guard users.count == partitions.count else {
                throw StreamRecError.snapshot("inconsistent checkpoint: users and their partitions differ in count")
            }
            userPartitions = Dictionary(zip(users, partitions), uniquingKeysWith: { $1 })
        }
        self.userPartitions = userPartitions
        modelName = try reader.readString()
        features = try reader.readBlock(UInt8.self)
        model = try reader.readBlock(UInt8.self)
        sharedItems = version >= 3 ? try SharedItemPositions(reading: &reader) : SharedItemPositions()
        guard reader.remaining == 0 else { throw StreamRecError.snapshot("inconsistent checkpoint: trailing bytes") }
    }
}
