import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// Produce throughput of StreamRec's Kafka layer, in the output format of
/// `kafka-pipebench.c produce`, for `scripts/bench-kafka.sh`.
struct ProduceBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Produce N generated events through the Kafka layer.")

    @Argument var bootstrap: String
    @Argument var topic: String
    @Argument var count: Int
    @Option(name: .customShort("X")) var properties: [String] = []

    func run() async throws {
        var configuration = KafkaProducerConfiguration(
            client: KafkaClientConfiguration(
                bootstrapServers: bootstrap, properties: try parseProperties(properties)))
        configuration.queueCapacity = 2_000_000
        let producer = try KafkaProducer(configuration: configuration, logger: benchLogger)
        _ = try await producer.metadata()

        var payload = EventPayload()
        var key: [UInt8] = []
        var value: [UInt8] = []
        key.reserveCapacity(16)
        value.reserveCapacity(160)
        var bytes = 0
        let start = MonotonicClock.nanoseconds()
        for _ in 0..<count {
            payload.next(key: &key, value: &value)
            bytes += key.count + value.count
            try producer.sendSync(topic: topic, key: key, value: value)
        }
        let enqueued = MonotonicClock.nanoseconds()
        try await producer.close(timeout: .seconds(120))
        let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        let stats = producer.statistics
        print(
            String(
                format: "produce N=%d delivered=%d err=%d enqueue_s=%.3f total_s=%.3f msgs/s=%.0f MB/s=%.1f",
                count, stats.delivered, stats.failed, Double(enqueued - start) / 1e9, seconds,
                Double(stats.delivered) / seconds, Double(bytes) / seconds / 1e6))
        if stats.failed > 0 { throw ExitCode(1) }
    }
}
