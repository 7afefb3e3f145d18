import ArgumentParser
import Foundation
import StreamRecCore

/// Event decoding on one core: bytes to a validated ``Event``, as the engine's
/// ingest does for every record.
struct DecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Event v1 JSON decoded per second (single core), with and without item attributes.")

    @Option var events = 1_000_000

    func run() throws {
        let encoder = EventEncoder()
        let decoder = EventDecoder()
        for withAttributes in [false, true] {
            // A few thousand distinct payloads in the shape the engine reads (the
            // encoder's own output), decoded round-robin.
            let payloads: [[UInt8]] = (0..<4_096).map { index in
                var event = Event(
                    userID: "\(index * 7919 % 6_040)", itemID: "\(index * 104_729 % 3_952)", type: "rating",
                    timestampMilliseconds: 978_300_760_000 + Int64(index) * 1_000, value: Double(index % 5 + 1))
                if withAttributes {
                    event.item = ["category": .string("c\(index % 50)"), "price": .number(Double(index % 200) + 0.99)]
                }
                return encoder.encode(event)
            }
            var checksum = 0
            let start = MonotonicClock.nanoseconds()
            for index in 0..<events {
                checksum &+= try decoder.decode(payloads[index & 4_095]).userID.utf8.count
            }
            let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
            print(
                String(
                    format: "decode attributes=%@ events=%d bytes_per_event=%d events/s=%.0f ns/event=%.0f checksum=%d",
                    withAttributes ? "yes" : "no", events, payloads[0].count, Double(events) / seconds,
                    seconds * 1e9 / Double(events), checksum))
        }
    }
}
