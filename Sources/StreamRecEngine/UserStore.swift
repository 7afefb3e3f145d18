import Foundation
import StreamRecCore
import StreamRecStorage

/// The users the engine holds outside memory: a RocksDB store in `DIR/users`,
/// kept consistent with the checkpoint it goes with.
///
/// Writes go to the store as users move out of memory, between checkpoints, in
/// numbered generations. The first write of a user in a generation also records
/// the value it replaces (an undo record). A checkpoint ends the generation: a
/// synced write makes everything before it durable, and the checkpoint file names
/// the generation. The undo records of a generation are dropped once a checkpoint
/// of it is durable. After a crash, the store is rolled back to the checkpoint's
/// generation with the undo records of every later one, so that store, memory
/// and offsets are again one consistent cut.
///
/// Keys: `u:` + partition (4 bytes, big-endian) + user id → the user's last event
/// time (8 bytes, little-endian), then their export (``UserStore/seal(_:)``), so
/// that a partition's users are one key range and a retention sweep reads no
/// export; `g` →
/// the generation in progress; `x:` + generation (8 bytes, big-endian) + partition
/// + user id → the value before that generation's first write (empty: there was none).
final class UserStore {
    /// A user and the partition of their events.
    struct Key: Hashable {
        var partition: Int32
        var user: String
    }

    let path: String
    private let store: KeyValueStore
    /// The generation the next writes belong to.
    private(set) var generation: UInt64
    /// Users already written in `generation`: their undo record exists.
    private var undone: Set<Key> = []
    /// Whether any user was ever written: until then, looking users up is skipped.
    private(set) var mayHoldUsers: Bool
    /// Users whose writes after the checkpoint were undone when the store opened.
    private(set) var rolledBack = 0
    /// Read-only: each user's value as of the checkpoint where a later write
    /// changed it (empty: absent then), for reading the store while an engine writes.
    private var asOfCheckpoint: [Key: [UInt8]] = [:]
    private let readOnly: Bool

    /// Opens the store of `directory` and rolls it back to `checkpointGeneration`,
    /// the generation of the checkpoint the engine restored (0 for none). With
    /// `fresh`, an existing store is discarded first.
    init(directory: String, checkpointGeneration: UInt64, fresh: Bool) throws(EngineError) {
        path = (directory as NSString).appendingPathComponent("users")
        readOnly = false
        if fresh, FileManager.default.fileExists(atPath: path) {
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw EngineError("cannot discard the user store \(path): \(error.localizedDescription)")
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try KeyValueStore(path: path)
            let inProgress = try store.get(Self.generationKey).map(Self.decodeGeneration) ?? 0
            if inProgress == 0, checkpointGeneration > 0 {
                throw EngineError(
                    """
                    the checkpoint holds users in the user store (generation \(checkpointGeneration)) but \(path) \
                    is empty or missing: restore it, or start with --fresh to rebuild from the log
                    """)
            }
            if inProgress > 0, inProgress < checkpointGeneration {
                throw EngineError(
                    """
                    the user store \(path) (generation \(inProgress)) is older than the checkpoint \
                    (generation \(checkpointGeneration)): restore the matching store, or start with --fresh
                    """)
            }
            generation = checkpointGeneration + 1
            mayHoldUsers = false
            rolledBack = try rollBack(to: checkpointGeneration)
            try store.scan(prefix: Self.userPrefix) { _, _ in
                mayHoldUsers = true
                return false
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError("cannot open the user store: \(error)")
        }
    }

    /// Opens the store of `directory` to read it as of `checkpointGeneration`,
    /// changing nothing (an engine may be running on it); nil when there is none.
    init?(readingDirectory directory: String, checkpointGeneration: UInt64) throws(EngineError) {
        path = (directory as NSString).appendingPathComponent("users")
        readOnly = true
        guard FileManager.default.fileExists(atPath: path) else {
            if checkpointGeneration > 0 {
                throw EngineError("the checkpoint holds users in \(path), which is missing")
            }
            return nil
        }
        generation = checkpointGeneration + 1
        mayHoldUsers = true
        do {
            store = try KeyValueStore(path: path, readOnly: true)
            var asOf: [Key: [UInt8]] = [:]
            try store.scan(prefix: Self.undoPrefix) { key, value in
                let (generation, user) = Self.decodeUndoKey(key)
                if generation > checkpointGeneration, asOf[user] == nil { asOf[user] = value }
                return true
            }
            asOfCheckpoint = asOf
        } catch {
            throw EngineError("cannot read the user store: \(error)")
        }
    }

    /// Undoes every write of generations after `kept`, then starts the next one.
    /// Returns how many users it restored.
    private func rollBack(to kept: UInt64) throws -> Int {
        var restore: [Key: [UInt8]] = [:]
        // Ascending generations: a user's first undo record after `kept` holds
        // their value as of `kept`.
        try store.scan(prefix: Self.undoPrefix) { key, value in
            let (generation, user) = Self.decodeUndoKey(key)
            if generation > kept, restore[user] == nil { restore[user] = value }
            return true
        }
        var changes: [KeyValueStore.Change] = restore.map { key, value in
            value.isEmpty ? .delete(Self.userKey(key)) : .put(Self.userKey(key), value)
        }
        changes.append(.deleteRange(Self.undoPrefix, Self.undoPrefixEnd))
        changes.append(.put(Self.generationKey, Self.encodeGeneration(generation)))
        try store.write(changes, sync: true)
        return restore.count
    }

    /// The export of a user, checked, or nil when the store has none.
    func get(_ key: Key) throws(EngineError) -> [UInt8]? {
        let sealed: [UInt8]?
        if let old = asOfCheckpoint[key] {
            sealed = old.isEmpty ? nil : old
        } else {
            do { sealed = try store.get(Self.userKey(key)) } catch { throw EngineError("\(error)") }
        }
        guard let sealed, sealed.count > 8 else { return nil }
        return try Self.open(Array(sealed.dropFirst(8)), user: key.user, path: path)
    }

    /// Writes users (an export and the time of their last event each, or nil to
    /// delete them) in one atomic batch.
    func write(_ users: [(key: Key, export: (bytes: [UInt8], lastSeen: Int64)?)]) throws(EngineError) {
        precondition(!readOnly, "the store was opened to read")
        guard !users.isEmpty else { return }
        var changes: [KeyValueStore.Change] = []
        do {
            for (key, export) in users {
                let stored = Self.userKey(key)
                if undone.insert(key).inserted {
                    changes.append(.put(Self.undoKey(generation, key), try store.get(stored) ?? []))
                }
                changes.append(
                    export.map {
                        .put(stored, withUnsafeBytes(of: $0.lastSeen.littleEndian, Array.init) + Self.seal($0.bytes))
                    }
                        ?? .delete(stored))
            }
            try store.write(changes, sync: false)
        } catch {
            throw EngineError("\(error)")
        }
        if users.contains(where: { $0.export != nil }) { mayHoldUsers = true }
    }

    /// About how many users the store holds (RocksDB's estimate, undo records included).
    var estimatedUserCount: Int { store.estimatedKeyCount }

    /// Deletes every user of `partition` (another instance owns it now).
    func dropPartition(_ partition: Int32) throws {
        var keys: [Key] = []
        try forEachUser(partition: partition) { keys.append($0) }
        try write(keys.map { ($0, nil) })
    }

    /// Ends the generation in progress for a checkpoint, and returns it: once this
    /// returns, every write of it is durable.
    func endGeneration() throws(EngineError) -> UInt64 {
        let ended = generation
        do {
            try store.write([.put(Self.generationKey, Self.encodeGeneration(ended + 1))], sync: true)
        } catch {
            throw EngineError("\(error)")
        }
        generation = ended + 1
        undone = []
        return ended
    }

    /// Drops the undo records of generations up to `generation`, whose checkpoint is durable.
    func checkpointed(_ generation: UInt64) throws(EngineError) {
        do {
            try store.write(
                [.deleteRange(Self.undoPrefix, Self.undoPrefix + Self.encodeGeneration(generation + 1))], sync: false)
        } catch {
            throw EngineError("\(error)")
        }
    }

    /// The users whose last event is older than `time`.
    func users(lastSeenBefore time: Int64) throws -> [Key] {
        var found: [Key] = []
        try store.scan(prefix: Self.userPrefix) { stored, value in
            let lastSeen = value.prefix(8).enumerated().reduce(Int64(0)) { $0 | Int64($1.element) << (8 * $1.offset) }
            if value.count > 8, lastSeen < time {
                found.append(Self.decodeKey(stored.dropFirst(Self.userPrefix.count)))
            }
            return true
        }
        return found
    }

    /// Every user in the store (as of the checkpoint, when read-only), or those of one partition.
    func forEachUser(partition: Int32? = nil, _ body: (Key) throws -> Void) throws {
        let prefix = Self.userPrefix + (partition.map(Self.encodePartition) ?? [])
        try store.scan(prefix: prefix) { stored, _ in
            let key = Self.decodeKey(stored.dropFirst(Self.userPrefix.count))
            if asOfCheckpoint[key]?.isEmpty != true { try body(key) }
            return true
        }
        for (key, value) in asOfCheckpoint where !value.isEmpty && (partition == nil || key.partition == partition) {
            if try store.get(Self.userKey(key)) == nil { try body(key) }
        }
    }

    // MARK: Keys and values

    static let userPrefix = Array("u:".utf8)
    static let undoPrefix = Array("x:".utf8)
    static let undoPrefixEnd = Array("x;".utf8)
    static let generationKey = Array("g".utf8)

    static func userKey(_ key: Key) -> [UInt8] { userPrefix + encodePartition(key.partition) + Array(key.user.utf8) }

    static func undoKey(_ generation: UInt64, _ key: Key) -> [UInt8] {
        undoPrefix + encodeGeneration(generation) + encodePartition(key.partition) + Array(key.user.utf8)
    }

    static func decodeUndoKey(_ key: [UInt8]) -> (generation: UInt64, key: Key) {
        let body = key.dropFirst(undoPrefix.count)
        return (decodeGeneration(Array(body.prefix(8))), decodeKey(body.dropFirst(8)))
    }

    static func encodePartition(_ partition: Int32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: partition) >> (24 - 8 * $0)) }
    }

    /// A partition and user id, as after the prefix of a key.
    static func decodeKey(_ bytes: ArraySlice<UInt8>) -> Key {
        let partition = bytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Key(partition: Int32(bitPattern: partition), user: String(decoding: bytes.dropFirst(4), as: UTF8.self))
    }

    /// Big-endian, so that keys sort by generation.
    static func encodeGeneration(_ generation: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: generation >> (56 - 8 * $0)) }
    }

    static func decodeGeneration(_ bytes: [UInt8]) -> UInt64 {
        bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A user's export with a checksum, so that a damaged value is reported, not used.
    static func seal(_ export: [UInt8]) -> [UInt8] {
        export + withUnsafeBytes(of: CRC32.checksum(export).littleEndian, Array.init)
    }

    static func open(_ sealed: [UInt8], user: String, path: String) throws(EngineError) -> [UInt8] {
        let export = Array(sealed.dropLast(4))
        let stored = sealed.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
        guard sealed.count >= 4, stored == CRC32.checksum(export) else {
            throw EngineError("the user store \(path) is corrupted: user '\(user)' fails its checksum")
        }
        return export
    }
}
