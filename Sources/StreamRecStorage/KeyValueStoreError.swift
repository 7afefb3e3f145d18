/// A failure of the embedded key-value store, with what RocksDB said and the
/// directory it concerns.
public struct KeyValueStoreError: Error, Sendable, CustomStringConvertible {
    /// The store's directory.
    public let path: String
    /// What went wrong, in RocksDB's words where it gave some.
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "state store \(path): \(message)" }
}
