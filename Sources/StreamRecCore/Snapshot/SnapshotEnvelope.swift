/// The frame around every snapshot: magic `SRSN`, the kind of state (four
/// letters, e.g. `FEAT`), a format version, the payload length, the payload and
/// its CRC-32. Opening checks all of them before a single field is decoded.
public enum SnapshotEnvelope {
    static let magic: [UInt8] = Array("SRSN".utf8)
    static let headerSize = 4 + 4 + 2 + 8

    public static func seal(kind: String, version: UInt16, payload: [UInt8]) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(UInt64(payload.count))
        var trailer = BinaryWriter()
        trailer.write(CRC32.checksum(payload))
        // One allocation: snapshots of a large state are tens of megabytes.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + payload.count + 4)
        bytes += magic
        bytes += kind.utf8.prefix(4)
        bytes += writer.bytes
        bytes += payload
        bytes += trailer.bytes
        return bytes
    }

    /// The payload, after checking magic, kind, version, length and checksum.
    public static func open(_ bytes: [UInt8], kind: String, version: UInt16) throws(SnapshotError) -> [UInt8] {
        guard bytes.count >= headerSize + 4 else {
            throw SnapshotError("snapshot truncated: \(bytes.count) bytes is shorter than the \(headerSize + 4)-byte frame")
        }
        guard Array(bytes[0..<4]) == magic else { throw SnapshotError("not a StreamRec snapshot (no SRSN header)") }
        let found = String(decoding: bytes[4..<8], as: UTF8.self)
        guard found == kind else { throw SnapshotError("snapshot holds '\(found)' state, expected '\(kind)'") }
        var reader = BinaryReader(bytes, offset: 8)
        let foundVersion = try reader.read(UInt16.self)
        guard foundVersion == version else {
            throw SnapshotError("snapshot format version \(foundVersion) is not supported (this build reads \(version))")
        }
        let length = try reader.read(UInt64.self)
        guard UInt64(bytes.count - headerSize - 4) == length else {
            throw SnapshotError("snapshot truncated or padded: header says \(length) payload bytes, file has \(bytes.count - headerSize - 4)")
        }
        let payload = Array(bytes[headerSize..<(bytes.count - 4)])
        var trailer = BinaryReader(bytes, offset: bytes.count - 4)
        guard try trailer.read(UInt32.self) == CRC32.checksum(payload) else {
            throw SnapshotError("snapshot checksum mismatch: the file is corrupted")
        }
        return payload
    }
}
