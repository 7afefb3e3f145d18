/// Finds the first byte that breaks UTF-8 (overlong forms, surrogates and code
/// points past U+10FFFF included), for an error that says where.
enum UTF8Validation {
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        // The standard library's validator is fast; only on failure find the offset.
        if String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) != nil { return nil }
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            let length: Int
            var minimum: UInt32
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: return index
            }
            guard index + length <= count else { return index }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            minimum = 0
            index += length
        }
        return nil
    }
}
