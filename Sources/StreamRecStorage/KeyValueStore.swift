import CRocksDB

/// An ordered, persistent map from byte strings to byte strings in one local
/// directory: RocksDB, which is what Kafka Streams and Flink keep keyed state in.
///
/// The one file that touches RocksDB's C API; every pointer it hands out is
/// released here. A store is used from one thread at a time (the engine's loop,
/// or an offline command), so it is not `Sendable`.
///
/// ```swift
/// let store = try KeyValueStore(path: "state/users")
/// try store.write([("u/42", bytes)], sync: true)
/// let value = try store.get("u/42")
/// ```
public final class KeyValueStore {
    public let path: String
    private let db: OpaquePointer
    private let options: OpaquePointer
    private let readOptions: OpaquePointer

    /// Opens (creating it if missing, unless `readOnly`) the store in `path`. A read-only
    /// store sees the state as of opening, and may be opened while another process writes.
    public init(path: String, readOnly: Bool = false) throws(KeyValueStoreError) {
        self.path = path
        options = rocksdb_options_create()
        rocksdb_options_set_create_if_missing(options, readOnly ? 0 : 1)
        // Point lookups of users that were never written are the common miss: a
        // bloom filter answers most of them without reading a block.
        let table = rocksdb_block_based_options_create()
        rocksdb_block_based_options_set_filter_policy(table, rocksdb_filterpolicy_create_bloom(10))
        rocksdb_options_set_block_based_table_factory(options, table)
        rocksdb_block_based_options_destroy(table)
        var error: UnsafeMutablePointer<CChar>?
        let opened =
            readOnly
            ? rocksdb_open_for_read_only(options, path, 0, &error)
            : rocksdb_open(options, path, &error)
        guard let opened, error == nil else {
            let message = Self.take(error) ?? "cannot open"
            rocksdb_options_destroy(options)
            throw KeyValueStoreError(path: path, message)
        }
        db = opened
        readOptions = rocksdb_readoptions_create()
    }

    deinit {
        rocksdb_close(db)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_options_destroy(options)
    }

    /// The value of `key`, or nil when there is none.
    public func get(_ key: [UInt8]) throws(KeyValueStoreError) -> [UInt8]? {
        var length = 0
        var error: UnsafeMutablePointer<CChar>?
        let value = key.withUnsafeBufferPointer { key in
            key.withMemoryRebound(to: CChar.self) {
                rocksdb_get(db, readOptions, $0.baseAddress, $0.count, &length, &error)
            }
        }
        if let message = Self.take(error) { throw KeyValueStoreError(path: path, message) }
        guard let value else { return nil }
        defer { rocksdb_free(value) }
        return UnsafeRawBufferPointer(start: value, count: length).map { $0 }
    }

    /// One change of a ``write(_:sync:)``.
    public enum Change: Sendable {
        case put([UInt8], [UInt8])
        case delete([UInt8])
        /// Every key from the first (included) to the second (excluded).
        case deleteRange([UInt8], [UInt8])
    }

    /// Applies `changes` atomically: after a crash all of them are there, or none.
    /// With `sync` the call returns once they are on disk.
    public func write(_ changes: [Change], sync: Bool) throws(KeyValueStoreError) {
        let batch = rocksdb_writebatch_create()
        defer { rocksdb_writebatch_destroy(batch) }
        for change in changes {
            switch change {
            case .put(let key, let value):
                Self.withChars(key, value) { rocksdb_writebatch_put(batch, $0, $1, $2, $3) }
            case .delete(let key):
                key.withUnsafeBufferPointer { k in
                    k.withMemoryRebound(to: CChar.self) { rocksdb_writebatch_delete(batch, $0.baseAddress, $0.count) }
                }
            case .deleteRange(let start, let end):
                Self.withChars(start, end) { rocksdb_writebatch_delete_range(batch, $0, $1, $2, $3) }
            }
        }
        let writeOptions = rocksdb_writeoptions_create()
        defer { rocksdb_writeoptions_destroy(writeOptions) }
        rocksdb_writeoptions_set_sync(writeOptions, sync ? 1 : 0)
        var error: UnsafeMutablePointer<CChar>?
        rocksdb_write(db, writeOptions, batch, &error)
        if let message = Self.take(error) { throw KeyValueStoreError(path: path, message) }
    }

    /// Calls `body` with every key starting with `prefix` and its value, in key
    /// order, until it returns false.
    public func scan(
        prefix: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool
    ) throws {
        let iterator = rocksdb_create_iterator(db, readOptions)
        defer { rocksdb_iter_destroy(iterator) }
        prefix.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { rocksdb_iter_seek(iterator, $0.baseAddress, $0.count) }
        }
        while rocksdb_iter_valid(iterator) != 0 {
            var keyLength = 0
            var valueLength = 0
            let key = UnsafeRawBufferPointer(start: rocksdb_iter_key(iterator, &keyLength), count: keyLength)
            guard key.starts(with: prefix) else { break }
            let value = UnsafeRawBufferPointer(start: rocksdb_iter_value(iterator, &valueLength), count: valueLength)
            guard try body(Array(key), Array(value)) else { return }
            rocksdb_iter_next(iterator)
        }
        var error: UnsafeMutablePointer<CChar>?
        rocksdb_iter_get_error(iterator, &error)
        if let message = Self.take(error) { throw KeyValueStoreError(path: path, message) }
    }

    /// RocksDB's estimate of the keys stored (it counts overwritten and deleted
    /// keys until compaction merges them away): for a gauge, not for logic.
    public var estimatedKeyCount: Int {
        guard let text = rocksdb_property_value(db, "rocksdb.estimate-num-keys") else { return 0 }
        defer { rocksdb_free(text) }
        return Int(String(cString: text)) ?? 0
    }

    /// Two byte strings as the (pointer, length) pairs of RocksDB's C API.
    private static func withChars(
        _ a: [UInt8], _ b: [UInt8],
        _ body: (UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int) -> Void
    ) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                a.withMemoryRebound(to: CChar.self) { a in
                    b.withMemoryRebound(to: CChar.self) { b in body(a.baseAddress, a.count, b.baseAddress, b.count) }
                }
            }
        }
    }

    /// An error string RocksDB allocated, as a Swift string, freed.
    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String? {
        guard let error else { return nil }
        defer { rocksdb_free(error) }
        return String(cString: error)
    }
}
