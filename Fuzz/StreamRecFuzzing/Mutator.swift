/// Byte-level mutations in the manner of libFuzzer's: each input is a corpus
/// entry changed by a few random edits (bit flips, interesting bytes and
/// integers, insertions, deletions, duplicated or spliced ranges, truncation).
/// Seeded: the same seed gives the same inputs, so a finding can be replayed.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    mutating func next() -> UInt64 {
        // xorshift64*: fast, and good enough to pick edits.
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// Bytes that change how text formats parse: delimiters, quotes, escapes,
    /// digits, signs, and the ends of the byte range.
    static let interestingBytes: [UInt8] = Array("{}[]\":,\\ \t\n\r-+.eE0123456789nu".utf8) + [0, 0x7F, 0x80, 0xC3, 0xFF]
    static let interestingIntegers: [UInt64] = [
        0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt64(Int64.max), UInt64.max,
    ]

    /// `seed` with 1 to 8 edits; `other` is spliced in sometimes.
    mutating func mutate(_ seed: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(8) {
            switch below(9) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] ^= UInt8(1) << UInt8(below(8))
            case 1 where !bytes.isEmpty:
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next())
            case 2 where !bytes.isEmpty:
                bytes[below(bytes.count)] = Self.interestingBytes[below(Self.interestingBytes.count)]
            case 3:
                let at = below(bytes.count + 1)
                let count = 1 + below(8)
                bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
            case 4 where !bytes.isEmpty:
                let at = below(bytes.count)
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
            case 5 where !bytes.isEmpty:
                let at = below(bytes.count)
                let range = at..<min(bytes.count, at + 1 + below(32))
                bytes.insert(contentsOf: Array(bytes[range]), at: below(bytes.count + 1))
            case 6 where bytes.count >= 8:
                // An integer field overwritten: lengths and counts are where decoders trust input.
                let width = [1, 2, 4, 8][below(4)]
                let at = below(bytes.count - width + 1)
                let value = Self.interestingIntegers[below(Self.interestingIntegers.count)]
                for k in 0..<width { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
            case 7 where !other.isEmpty:
                let from = below(other.count)
                let piece = other[from..<min(other.count, from + 1 + below(64))]
                let at = below(bytes.count + 1)
                bytes.replaceSubrange(at..<min(bytes.count, at + piece.count), with: piece)
            case 8 where !bytes.isEmpty:
                bytes.removeLast(below(bytes.count) + 1)
            default:
                continue
            }
        }
        return bytes
    }
}
