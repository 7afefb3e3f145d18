/// Little-endian binary encoding for snapshots. Arrays of fixed-width values are
/// written as one block of bytes.
struct BinaryWriter: Sendable {
    private(set) var bytes: [UInt8] = []

    init() {}

    /// Room for `count` more bytes, so that appending large blocks does not
    /// reallocate (and briefly hold) a growing buffer over and over.
    mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) {
        write(value.bitPattern)
    }

    mutating func write(_ value: Bool) {
        write(UInt8(value ? 1 : 0))
    }

    mutating func write(_ value: String) {
        write(UInt32(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    mutating func write(_ values: [String]) {
        write(UInt64(values.count))
        for value in values { write(value) }
    }

    /// A block of fixed-width integers or doubles (this is a little-endian machine;
    /// ``BinaryReader`` checks the same).
    mutating func write<T: BitwiseCopyable>(block values: [T]) {
        write(UInt64(values.count))
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// Raw bytes, without a length: the caller's format knows how many.
    mutating func write(bytes raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    /// Overwrites bytes already written, for a length known only at the end.
    mutating func overwrite<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (k, byte) in raw.enumerated() { bytes[offset + k] = byte }
        }
    }

    /// The bytes from `offset` on, for a checksum over them without a copy.
    func withBytes<R>(from offset: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }
}

/// Reads what ``BinaryWriter`` wrote; every read is bounds-checked and throws on
/// truncation instead of trapping.
struct BinaryReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int) throws(StreamRecError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw StreamRecError.snapshot(
                "snapshot truncated: needed \(count) more bytes at offset \(offset), \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(StreamRecError) -> T {
        let slice = try take(MemoryLayout<T>.size)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: slice) }
        return T(littleEndian: value)
    }

    mutating func readDouble() throws(StreamRecError) -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    mutating func readBool() throws(StreamRecError) -> Bool {
        try read(UInt8.self) != 0
    }

    mutating func readString() throws(StreamRecError) -> String {
        let count = Int(try read(UInt32.self))
        let slice = try take(count)
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw StreamRecError.snapshot("snapshot holds invalid UTF-8 text at offset \(offset - count)")
        }
        return text
    }

    mutating func readStrings() throws(StreamRecError) -> [String] {
        let count = try readCount(minimumBytesEach: 4)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readString()) }
        return values
    }

    mutating func readBlock<T: BitwiseCopyable>(_: T.Type = T.self) throws(StreamRecError) -> [T] {
        let count = try readCount(minimumBytesEach: MemoryLayout<T>.stride)
        let slice = try take(count * MemoryLayout<T>.stride)
        // At capacity 0 the initializer stores the count into the empty-array
        // singleton every empty array shares: harmless, but a write from many threads
        // that ThreadSanitizer reports as a race.
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyBytes(from: slice)
            initialized = count
        }
    }

    /// An element count, refused if the rest of the input cannot hold that many.
    private mutating func readCount(minimumBytesEach: Int) throws(StreamRecError) -> Int {
        let count = try read(UInt64.self)
        guard count <= UInt64(remaining / max(1, minimumBytesEach)) else {
            throw StreamRecError.snapshot(
                "snapshot truncated or corrupt: \(count) elements announced at offset \(offset - 8), \(remaining) bytes left"
            )
        }
        return Int(count)
    }
}
