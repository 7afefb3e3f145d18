import StreamRecCore

/// The state one engine instance owns: the feature store, the model, and the
/// next offset of every partition whose events it holds. Only the processing
/// thread changes it; within one of its calls, helper threads may update
/// disjoint parts (``apply(_:)``) or read it (ranking a round of users).
///
/// A model that keeps a feature store of its own (co-occurrence, hybrid) shares
/// it: the engine keeps no second store, and every event updates one. Its
/// co-occurrence then follows the model's settings (`model.cooccurrence_window`,
/// `model.cooccurrence_neighbours`) rather than the `features` section's.
struct EngineState: Sendable {
    /// The engine's own store, for models that keep none.
    private var ownFeatures: FeatureStore?
    var model: any Recommender
    var offsets: [Int32: Int64] = [:]
    /// The events partition of each user memory holds.
    var userPartitions: [String: Int32] = [:]
    var recordsConsumed: Int64 = 0
    var eventsApplied: Int64 = 0
    /// Where the item state stands in what instances share (``ItemShare``).
    var sharedItems = SharedItemPositions()

    /// An empty state for `configuration`'s model.
    init(configuration: StreamRecConfiguration) throws(StreamRecError) {
        model = try ModelCatalog.make(
            configuration.model.name, schema: configuration.events,
            features: configuration.features, settings: configuration.model.settings)
        if model.featureStore == nil {
            ownFeatures = FeatureStore(schema: configuration.events, settings: configuration.features)
        }
    }

    /// User and item features: the model's store when it keeps one, else the engine's.
    var features: FeatureStore { ownFeatures ?? model.featureStore! }

    /// The state a checkpoint holds. The checkpoint must be of the configured model
    /// and events topic: anything else would mix two states.
    init(checkpoint: EngineCheckpoint, configuration: StreamRecConfiguration) throws(EngineError) {
        guard checkpoint.modelName == configuration.model.name else {
            throw EngineError(
                """
                the checkpoint holds model '\(checkpoint.modelName)' but model.name is '\(configuration.model.name)': \
                use the same model, another --state-dir, or --fresh to rebuild
                """)
        }
        guard checkpoint.topic == configuration.topics.events else {
            throw EngineError(
                """
                the checkpoint is of topic '\(checkpoint.topic)' but topics.events is '\(configuration.topics.events)': \
                use another --state-dir, or --fresh to rebuild
                """)
        }
        do {
            model = try ModelCatalog.restore(
                checkpoint.modelName, snapshot: checkpoint.model, schema: configuration.events,
                features: configuration.features, settings: configuration.model.settings)
            // A shared store comes with the model's snapshot.
            if model.featureStore == nil { ownFeatures = try FeatureStore(snapshot: checkpoint.features) }
        } catch {
            throw EngineError("the checkpoint's state cannot be restored: \(error.message)")
        }
        offsets = checkpoint.offsets
        userPartitions = checkpoint.userPartitions
        recordsConsumed = checkpoint.recordsConsumed
        eventsApplied = checkpoint.eventsApplied
        sharedItems = checkpoint.sharedItems
    }

    /// Applies valid events in order to the feature store and to the model. An
    /// own store and the model share no state, so a large batch updates them on
    /// two threads at once; each still sees every event in order, so the result is
    /// the same.
    mutating func apply(_ events: [Event]) {
        if ownFeatures == nil {
            model.learn(contentsOf: events)
        } else if events.count >= LargeBatch.minimumEvents {
            Parallel.run(&ownFeatures, &model, { _ = $0!.apply(contentsOf: events) }, { $0.learn(contentsOf: events) })
        } else {
            _ = ownFeatures!.apply(contentsOf: events)
            model.learn(contentsOf: events)
        }
        eventsApplied += Int64(events.count)
    }

    /// ``apply(_:)`` with the item side shared (``ItemSideSharing``): the store
    /// logs, and the model and the store leave out the item side `sharing` skips.
    mutating func apply(_ events: [Event], sharing: inout ItemSideSharing) {
        if ownFeatures == nil {
            model.learn(contentsOf: events, sharing: &sharing)
        } else {
            var modelSharing = ItemSideSharing(skip: sharing.skip, logging: false)
            if events.count >= LargeBatch.minimumEvents {
                Parallel.run(
                    &ownFeatures, &model, { _ = $0!.apply(contentsOf: events, sharing: &sharing) },
                    { $0.learn(contentsOf: events, sharing: &modelSharing) })
            } else {
                _ = ownFeatures!.apply(contentsOf: events, sharing: &sharing)
                model.learn(contentsOf: events, sharing: &modelSharing)
            }
        }
        eventsApplied += Int64(events.count)
    }

    /// Whether the model's item state can be shared between instances.
    var sharesItemState: Bool { model.sharesItemState }

    /// Applies the item side of other instances' events.
    mutating func applyShared(_ events: [SharedItemEvent]) {
        guard !events.isEmpty else { return }
        if ownFeatures != nil {
            ownFeatures!.applyShared(contentsOf: events)
        }
        model.applyShared(events)
    }

    /// How the model's item factors moved since the last call (while shared).
    mutating func takeFactorDeltas() -> [ItemFactorDelta] { model.takeFactorDeltas() }

    /// Adds other instances' item factor deltas.
    mutating func applyFactorDeltas(_ deltas: [ItemFactorDelta]) { model.applyFactorDeltas(deltas) }

    /// The user's top `count`, leaving out what they consumed when asked to. A user
    /// the model cannot rank yet gets the most popular items.
    func recommend(for user: String, count: Int, excludeConsumed: Bool) -> [Recommendation.Item] {
        // A model that keeps the store leaves out its exclusions by row, without their ids.
        var ranked =
            if !excludeConsumed {
                model.recommend(for: user, count: count, excluding: [])
            } else if ownFeatures == nil {
                model.recommendExcludingConsumed(for: user, count: count)
            } else {
                model.recommend(for: user, count: count, excluding: Set(features.excludedItems(of: user)))
            }
        if ranked.isEmpty {
            let excluded = excludeConsumed ? Set(features.excludedItems(of: user)) : []
            ranked = features.popular(limit: count + excluded.count).filter { !excluded.contains($0.itemID) }
        }
        return ranked.prefix(count).map { Recommendation.Item(itemID: $0.itemID, score: $0.score) }
    }

    func checkpoint(topic: String, modelName: String, writtenAt: Int64, storeGeneration: UInt64) -> EngineCheckpoint {
        EngineCheckpoint(
            topic: topic, offsets: offsets, recordsConsumed: recordsConsumed, eventsApplied: eventsApplied,
            writtenAt: writtenAt, modelName: modelName, features: ownFeatures?.snapshot() ?? [],
            model: model.snapshot(),
            storeGeneration: storeGeneration, userPartitions: userPartitions, sharedItems: sharedItems)
    }

    // MARK: Users in and out of memory

    /// Whether memory holds the user.
    func holdsUser(_ user: String) -> Bool { features.holdsUser(user) }

    /// Everything kept about the user (the engine's own features, the model's
    /// state), or nil when memory does not hold them.
    func exportUser(_ user: String) -> [UInt8]? {
        guard holdsUser(user) else { return nil }
        return UserExportParts.join([ownFeatures?.exportUser(user), model.exportUser(user)])
    }

    /// Takes the user out of memory.
    mutating func removeUser(_ user: String) {
        ownFeatures?.removeUser(user)
        model.removeUser(user)
        userPartitions[user] = nil
    }

    /// Puts a user of ``exportUser(_:)``, whose events are in `partition`, back into memory.
    mutating func importUser(_ user: String, partition: Int32, from bytes: [UInt8]) throws(StreamRecError) {
        let parts = try UserExportParts.split(bytes, count: 2, user: user)
        if let part = parts[0] { try ownFeatures?.importUser(user, from: part) }
        if let part = parts[1] { try model.importUser(user, from: part) }
        userPartitions[user] = partition
    }
}
