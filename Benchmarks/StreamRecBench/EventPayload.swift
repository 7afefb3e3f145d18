import Foundation
import StreamRecCore

/// Writes the same ~120-byte JSON event that `kafka-pipebench.c` produces, into a
/// reused buffer, so that the benchmark measures the Kafka layer rather than
/// string formatting.
struct EventPayload {
    private var state: UInt64 = 88_172_645_463_325_252

    private static let userPrefix = Array(#"{"user_id":""#.utf8)
    private static let itemPrefix = Array(#"","item_id":"i"#.utf8)
    private static let timestampPrefix = Array(#"","type":"view","ts":"#.utf8)
    private static let monotonicPrefix = Array(#","value":1.0,"src":"web","t_ns":"#.utf8)

    /// xorshift64, as the C tool uses.
    mutating func random() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// Fills `key` and `value` for the next event.
    mutating func next(key: inout [UInt8], value: inout [UInt8]) {
        let user = random() % 100_000
        let item = random() % 1_000_000
        key.removeAll(keepingCapacity: true)
        key.append(UInt8(ascii: "u"))
        appendDigits(user, width: 6, to: &key)
        value.removeAll(keepingCapacity: true)
        value += Self.userPrefix
        value += key
        value += Self.itemPrefix
        appendDigits(item, width: 7, to: &value)
        value += Self.timestampPrefix
        appendDigits(UInt64(Date().timeIntervalSince1970 * 1000), width: 1, to: &value)
        value += Self.monotonicPrefix
        appendDigits(MonotonicClock.nanoseconds(), width: 1, to: &value)
        value.append(UInt8(ascii: "}"))
    }

    /// Appends `number` in decimal, zero-padded to `width`, without allocating.
    private func appendDigits(_ number: UInt64, width: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var position = buffer.count
            var rest = number
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0 || buffer.count - position < width
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position...]))
        }
    }
}
