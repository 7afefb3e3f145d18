import ArgumentParser
import Foundation
import Logging
import StreamRecCore
import StreamRecKafka

/// Throughput of StreamRec's Kafka layer, in the same shape and output format as
/// `kafka-pipebench.c`, so that `scripts/bench-kafka.sh` can put the two side by
/// side on one broker in one run.
@main
struct KafkaThroughputBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streamrec-bench",
        abstract: "Throughput of StreamRec's parts: the Kafka layer, the feature store and the models.",
        subcommands: [Produce.self, Consume.self, FeatureBenchmark.self, ModelBenchmark.self, DecodeBenchmark.self, EngineLoadBenchmark.self]
    )

    struct Produce: AsyncParsableCommand {
        @Argument var bootstrap: String
        @Argument var topic: String
        @Argument var count: Int
        @Option(name: .customShort("X")) var properties: [String] = []

        func run() async throws {
            var configuration = KafkaProducerConfiguration(client: KafkaClientConfiguration(
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
            print(String(format: "produce N=%d delivered=%d err=%d enqueue_s=%.3f total_s=%.3f msgs/s=%.0f MB/s=%.1f",
                         count, stats.delivered, stats.failed, Double(enqueued - start) / 1e9, seconds,
                         Double(stats.delivered) / seconds, Double(bytes) / seconds / 1e6))
            if stats.failed > 0 { throw ExitCode(1) }
        }
    }

    struct Consume: AsyncParsableCommand {
        @Argument var bootstrap: String
        @Argument var topic: String
        @Argument var group: String
        @Argument var count: Int
        @Option(name: .customShort("X")) var properties: [String] = []

        func run() async throws {
            let client = KafkaClientConfiguration(bootstrapServers: bootstrap, properties: try parseProperties(properties))
            let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(client: client, groupID: group), logger: benchLogger)
            try consumer.subscribe(topics: [topic])
            // The processing loop owns a thread, as the engine's will.
            let count = self.count
            let (received, seconds) = try await onDedicatedThread { try Self.loop(consumer, count: count) }
            try await consumer.close()
            print(String(format: "consume N=%d mode=batch elapsed_s=%.3f msgs/s=%.0f", received, seconds, Double(received) / seconds))
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
}

func parseProperties(_ properties: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for property in properties.flatMap({ $0.split(separator: ",") }) {
        let parts = property.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { throw ValidationError("-X expects key=value, got '\(property)'") }
        result[String(parts[0])] = String(parts[1])
    }
    return result
}

/// Runs blocking work on a thread of its own, off Swift's cooperative pool.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

let benchLogger: Logger = {
    var logger = Logger(label: "streamrec.bench")
    logger.logLevel = ProcessInfo.processInfo.environment["BENCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}()

