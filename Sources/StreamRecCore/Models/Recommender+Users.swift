/// ``Recommender/exportUser(_:)`` and its two partners for the models that keep
/// per-user state: factor rows, or a feature store, or both (the hybrid).

extension ISGD {
    public func exportUser(_ user: String) -> [UInt8]? { state.exportUser(user) }
    public mutating func removeUser(_ user: String) { state.removeUser(user) }
    public mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError) {
        try state.importUser(user, from: bytes)
    }
}

extension BiasedMF {
    public func exportUser(_ user: String) -> [UInt8]? { state.exportUser(user) }
    public mutating func removeUser(_ user: String) { state.removeUser(user) }
    public mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError) {
        try state.importUser(user, from: bytes)
    }
}

extension OnlineBPR {
    public func exportUser(_ user: String) -> [UInt8]? { state.exportUser(user) }
    public mutating func removeUser(_ user: String) { state.removeUser(user) }
    public mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError) {
        try state.importUser(user, from: bytes)
    }
}

extension CooccurrenceRecommender {
    public func exportUser(_ user: String) -> [UInt8]? { store.exportUser(user) }
    public mutating func removeUser(_ user: String) { store.removeUser(user) }
    public mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError) {
        try store.importUser(user, from: bytes)
    }
}

extension HybridRecommender {
    /// The co-occurrence signal's part (the feature store) and the base model's, as
    /// ``UserExportParts``.
    public func exportUser(_ user: String) -> [UInt8]? {
        UserExportParts.join([cooccurrence.exportUser(user), base.exportUser(user)])
    }

    public mutating func removeUser(_ user: String) {
        cooccurrence.removeUser(user)
        base.removeUser(user)
    }

    public mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError) {
        let parts = try UserExportParts.split(bytes, count: 2, user: user)
        if let part = parts[0] { try cooccurrence.importUser(user, from: part) }
        if let part = parts[1] { try base.importUser(user, from: part) }
    }
}

/// Several optional user exports as one byte string, and back.
public enum UserExportParts {
    /// The parts in order, or nil when all are nil.
    public static func join(_ parts: [[UInt8]?]) -> [UInt8]? {
        guard parts.contains(where: { $0 != nil }) else { return nil }
        var w = BinaryWriter()
        w.write(UInt8(parts.count))
        for part in parts {
            w.write(part != nil)
            if let part { w.write(block: part) }
        }
        return w.bytes
    }

    /// The `count` parts of ``join(_:)``.
    public static func split(_ bytes: [UInt8], count: Int, user: String) throws(StreamRecError) -> [[UInt8]?] {
        var r = BinaryReader(bytes)
        guard Int(try r.read(UInt8.self)) == count else {
            throw StreamRecError.snapshot("user '\(user)': expected \(count) parts")
        }
        var parts: [[UInt8]?] = []
        for _ in 0..<count { parts.append(try r.readBool() ? try r.readBlock(UInt8.self) : nil) }
        guard r.remaining == 0 else { throw StreamRecError.snapshot("user '\(user)': trailing bytes") }
        return parts
    }
}
