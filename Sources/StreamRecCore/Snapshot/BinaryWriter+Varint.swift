extension BinaryWriter {
    /// An unsigned LEB128 varint: small numbers (string indices, offset steps,
    /// counts) in one or two bytes instead of four or eight.
    mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            write(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        write(UInt8(rest))
    }

    /// A signed varint, zigzag-encoded so that small negative steps stay small.
    mutating func writeVarint(signed value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}

extension BinaryReader {
    mutating func readVarint() throws(StreamRecError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try read(UInt8.self)
            guard shift < 64 else { throw StreamRecError.snapshot("varint longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func readVarint(signed: Void = ()) throws(StreamRecError) -> Int64 {
        let raw = try readVarint() as UInt64
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}
