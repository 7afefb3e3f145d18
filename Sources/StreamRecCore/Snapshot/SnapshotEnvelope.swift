/// The frame around every snapshot: magic `SRSN`, the kind of state (four
/// letters, e.g. `FEAT`), a format version, the payload length, the payload and
/// its CRC-32. Opening checks all of them before a single field is decoded.
package enum SnapshotEnvelope {
    static let magic: [UInt8] = Array("SRSN".utf8)
    package static let headerSize = 4 + 4 + 2 + 8

    package static func seal(kind: String, version: UInt16, payload: [UInt8]) -> [UInt8] {
        sealing(kind: kind, version: version) { $0.write(bytes: payload) }
    }

    /// A snapshot whose payload `body` writes straight into the frame: one buffer,
    /// where building the payload and then sealing it would hold two copies of a
    /// state that can be tens of megabytes.
    static func sealing(kind: String, version: UInt16, _ body: (inout BinaryWriter) -> Void) -> [UInt8] {
        // The payload length is known once `body` is done: 0 now, overwritten then.
        var writer = header(kind: kind, version: version, payloadLength: 0)
        body(&writer)
        writer.overwrite(UInt64(writer.bytes.count - headerSize), at: headerSize - 8)
        writer.write(writer.withBytes(from: headerSize) { CRC32.checksum($0) })
        return writer.bytes
    }

    /// The frame around a payload given in parts, as parts: the header, the
    /// payload's parts unchanged, then the checksum. Joined, they are
    /// ``seal(kind:version:payload:)`` of the joined payload; written one after
    /// another, a large snapshot goes to a file without ever being one buffer.
    static func frame(kind: String, version: UInt16, parts: [[UInt8]]) -> [[UInt8]] {
        let header = header(kind: kind, version: version, payloadLength: parts.reduce(0) { $0 + $1.count })
        var trailer = BinaryWriter()
        trailer.write(parts.reduce(UInt32(0)) { CRC32.checksum($1, continuing: $0) })
        return [header.bytes] + parts + [trailer.bytes]
    }

    /// Magic, kind, version and payload length: the first ``headerSize`` bytes.
    private static func header(kind: String, version: UInt16, payloadLength: Int) -> BinaryWriter {
        var writer = BinaryWriter()
        writer.write(bytes: magic)
        writer.write(bytes: Array(kind.utf8.prefix(4)))
        writer.write(version)
        writer.write(UInt64(payloadLength))
        return writer
    }

    /// The payload, after checking magic, kind, version, length and checksum.
    static func open(_ bytes: [UInt8], kind: String, version: UInt16) throws(StreamRecError) -> [UInt8] {
        try open(bytes, kind: kind, versions: version...version).payload
    }

    /// ``open(_:kind:version:)`` for a reader of several format versions: the
    /// payload and the version it is in.
    package static func open(
        _ bytes: [UInt8], kind: String, versions: ClosedRange<UInt16>
    ) throws(StreamRecError) -> (payload: [UInt8], version: UInt16) {
        guard bytes.count >= headerSize + 4 else {
            throw StreamRecError.snapshot(
                "snapshot truncated: \(bytes.count) bytes is shorter than the \(headerSize + 4)-byte frame")
        }
        guard Array(bytes[0..<4]) == magic else {
            throw StreamRecError.snapshot("not a StreamRec snapshot (no SRSN header)")
        }
        let found = String(decoding: bytes[4..<8], as: UTF8.self)
        guard found == kind else {
            throw StreamRecError.snapshot("snapshot holds '\(found)' state, expected '\(kind)'")
        }
        var reader = BinaryReader(bytes, offset: 8)
        let foundVersion = try reader.read(UInt16.self)
        guard versions.contains(foundVersion) else {
            let readable =
                versions.count == 1 ? "\(versions.lowerBound)" : "\(versions.lowerBound) to \(versions.upperBound)"
            throw StreamRecError.snapshot(
                "snapshot format version \(foundVersion) is not supported (this build reads \(readable))")
        }
        let length = try reader.read(UInt64.self)
        guard UInt64(bytes.count - headerSize - 4) == length else {
            throw StreamRecError.snapshot(
                "snapshot truncated or padded: header says \(length) payload bytes, file has \(bytes.count - headerSize - 4)"
            )
        }
        let payload = Array(bytes[headerSize..<(bytes.count - 4)])
        var trailer = BinaryReader(bytes, offset: bytes.count - 4)
        guard try trailer.read(UInt32.self) == CRC32.checksum(payload) else {
            throw StreamRecError.snapshot("snapshot checksum mismatch: the file is corrupted")
        }
        return (payload, foundVersion)
    }
}
