import CZlib

/// CRC-32 (IEEE 802.3) for snapshot checksums, computed by zlib: a checkpoint of
/// a large state is checksummed on the engine's thread, and zlib's table-sliced
/// loop is several times faster than a byte-at-a-time one.
package enum CRC32 {
    package static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    package static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var value = UInt(crc)
        var rest = bytes
        // zlib takes a 32-bit length.
        while !rest.isEmpty {
            let chunk = min(rest.count, Int(UInt32.max))
            value = CZlib.crc32(value, rest.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(chunk))
            rest = UnsafeRawBufferPointer(rebasing: rest[chunk...])
        }
        return UInt32(truncatingIfNeeded: value)
    }
}
