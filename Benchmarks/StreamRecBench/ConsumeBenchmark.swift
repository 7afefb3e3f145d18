import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// Consume throughput of StreamRec's Kafka layer, in the output format of
/// `kafka-pipebench.c consume`, for `scripts/bench-kafka.sh`.
struct ConsumeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Consume N records in batches on a thread of its own.")

    @Argument var bootstrap: String
    @Argument var topic: String
    @Argument var group: String
    @Argument var count: Int
    @Option(name: .customShort("X")) var properties: [String] = []

    func run() async throws {
        let client = KafkaClientConfiguration(bootstrapServers: bootstrap, properties: try parseProperties(properties))
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: client, groupID: group), logger: benchLogger)
        try consumer.subscribe(topics: [topic])
        // The processing loop owns a thread, as the engine's will.
        let count = self.count
        let (received, seconds) = try await onDedicatedThread { try Self.loop(consumer, count: count) }
        try await consumer.close()
        print(
            String(
                format: "consume N=%d mode=batch elapsed_s=%.3f msgs/s=%.0f", received, seconds,
                Double(received) / seconds))
        if received < count { throw ExitCode(1) }
    }

    static func loop(_ consumer: KafkaConsumer, count: Int) throws -> (Int, Double) {
        var received = 0
        var bytes = 0
        var first: UInt64 = 0
        var last: UInt64 = 0
        while received < count {
            let batch = try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(100))
            let now = MonotonicClock.nanoseconds()
            if batch.isEmpty {
                if first != 0, now - last > 10_000_000_000 { break }
                continue
            }
            if first == 0 { first = now }
            last = now
            received += batch.count
            for message in batch { bytes &+= message.value?.count ?? 0 }
        }
        return (received, Double(last - first) / 1e9)
    }
}
