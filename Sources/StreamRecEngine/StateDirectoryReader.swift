import StreamRecCore

/// The engine's state as a state directory holds it, for offline commands: the
/// checkpoint, and the users outside memory from the user store as of that
/// checkpoint. Reading changes nothing, so an engine may run on the directory.
package struct StateDirectoryReader {
    package let checkpoint: EngineCheckpoint
    package let checkpointPath: String
    private var state: EngineState
    private let users: UserStore?

    /// Nil when the directory holds no checkpoint.
    package init?(directory: String, configuration: StreamRecConfiguration) throws(EngineError) {
        let checkpoints = CheckpointStore(directory: directory)
        guard let checkpoint = try checkpoints.load() else { return nil }
        self.checkpoint = checkpoint
        checkpointPath = checkpoints.path
        // Offline, the checkpoint says which topic and model it holds.
        var configuration = configuration
        configuration.topics.events = checkpoint.topic
        configuration.model.name = checkpoint.modelName
        state = try EngineState(checkpoint: checkpoint, configuration: configuration)
        users = try UserStore(readingDirectory: directory, checkpointGeneration: checkpoint.storeGeneration)
    }

    /// The feature store with `user` in it, brought in from the user store when
    /// the checkpoint's memory did not hold them.
    package mutating func features(with user: String?) throws(EngineError) -> FeatureStore {
        if let user { try bringIn(user) }
        return state.features
    }

    /// The feature store with every user of the state in it (all in memory: for
    /// states that fit).
    package mutating func featuresWithEveryUser() throws -> FeatureStore {
        var stored: [UserStore.Key] = []
        try users?.forEachUser { if !state.holdsUser($0.user) { stored.append($0) } }
        for key in stored { try bringIn(key) }
        return state.features
    }

    /// Every user of the state, wherever held.
    package func userIDs() throws -> Set<String> {
        var ids = Set(state.features.userIDs)
        try users?.forEachUser { ids.insert($0.user) }
        return ids
    }

    /// Everything the state keeps about `user` (features and model), wherever it
    /// is held: equal exports mean equal user state.
    package mutating func exportUser(_ user: String) throws(EngineError) -> [UInt8]? {
        try bringIn(user)
        return state.exportUser(user)
    }

    /// Brings the user in from the store, looking for them in each partition the
    /// checkpoint knows (an offline reader does not know theirs).
    private mutating func bringIn(_ user: String) throws(EngineError) {
        guard !state.holdsUser(user) else { return }
        for partition in checkpoint.offsets.keys.sorted() where !state.holdsUser(user) {
            try bringIn(.init(partition: partition, user: user))
        }
    }

    private mutating func bringIn(_ key: UserStore.Key) throws(EngineError) {
        let user = key.user
        guard !state.holdsUser(user), let users, let export = try users.get(key) else { return }
        do {
            try state.importUser(user, partition: key.partition, from: export)
        } catch {
            throw EngineError("user '\(user)' in \(users.path) cannot be restored: \(error.message)")
        }
    }

    /// Users of the state: those in memory and those in the user store.
    package func userCount() throws -> (inMemory: Int, inStore: Int) {
        var stored = 0
        try users?.forEachUser { if !state.holdsUser($0.user) { stored += 1 } }
        return (state.features.userCount, stored)
    }
}
