import ArgumentParser
import Foundation
import StreamRecCore

/// Model learning rate and ranking time against the memory-bandwidth bound.
struct ModelBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract:
            "ISGD updates/s (k=32, 128) and exact top-10 ranking time over 10k/100k/1M items (k=64) vs the bandwidth bound."
    )

    @Option var updates = 2_000_000

    func run() throws {
        for factors in [32, 128] {
            var settings = ModelSettings()
            settings.factors = factors
            var model = ISGD(schema: EventSchema(), settings: settings)
            var random = SeededRandom(seed: 1)
            let users = (0..<10_000).map { "u\($0)" }, items = (0..<10_000).map { "i\($0)" }
            // Warm: every entity known, so that the timed loop measures updates, not growth.
            for index in 0..<10_000 {
                model.learn(
                    Event(
                        userID: users[index], itemID: items[index], type: "view",
                        timestampMilliseconds: 1_700_000_000_000))
            }
            let batch = (0..<updates).map { _ in
                Event(
                    userID: users[Int(random.next() % 10_000)], itemID: items[Int(random.next() % 10_000)],
                    type: "view",
                    timestampMilliseconds: 1_700_000_000_000)
            }
            let start = MonotonicClock.nanoseconds()
            for index in batch.indices { model.learn(batch[index]) }
            let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
            print(String(format: "isgd k=%d updates=%d updates/s=%.0f", factors, updates, Double(updates) / seconds))
        }

        let bandwidth = Self.copyBandwidth()
        print(String(format: "memory copy bandwidth %.2f GB/s (read+write of a 512 MB buffer)", bandwidth / 1e9))
        for count in [10_000, 100_000, 1_000_000] {
            var random = SeededRandom(seed: 2)
            var items = FactorMatrix(factors: 64)
            for _ in 0..<count { items.appendRow(scale: 0.1, random: &random) }
            var users = FactorMatrix(factors: 64)
            for _ in 0..<16 { users.appendRow(scale: 0.1, random: &random) }
            let repeats = max(3, 2_000_000 / count)
            var sink: Float = 0
            let start = MonotonicClock.nanoseconds()
            users.values.withUnsafeBufferPointer { values in
                for r in 0..<repeats {
                    sink +=
                        TopN.rank(user: values.baseAddress! + (r % 16) * users.stride, items: items, count: 10).first?
                        .score ?? 0
                }
            }
            let perQuery = Double(MonotonicClock.nanoseconds() - start) / 1e9 / Double(repeats)
            let bytes = Double(count * items.stride * 4)
            // A scan reads each byte once; copying reads and writes, so it moves twice the bytes.
            let bound = bytes / (bandwidth / 2)
            print(
                String(
                    format: "top-10 k=64 items=%d ms/query=%.3f bound_ms=%.3f ratio=%.2f (scanned %.1f MB) %@",
                    count, perQuery * 1e3, bound * 1e3, perQuery / bound, bytes / 1e6, sink.isNaN ? "!" : ""))
        }
    }

    /// Bytes per second a large memcpy moves (read plus write), best of three.
    static func copyBandwidth() -> Double {
        let size = 512 << 20
        let source = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { source.deallocate(); target.deallocate() }
        memset(source, 1, size)
        memset(target, 0, size)
        var best = 0.0
        for _ in 0..<3 {
            let start = MonotonicClock.nanoseconds()
            memcpy(target, source, size)
            let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
            best = max(best, Double(2 * size) / seconds)
        }
        return best
    }
}
