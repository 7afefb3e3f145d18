import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka

/// Offers a MovieLens log to a running `streamrec run` at a fixed rate (or as fast
/// as possible) and measures, with a consumer of its own, what comes out:
/// sustained events/s end to end and event-to-recommendation latency.
///
/// Events keep the log's users, items and order but are stamped with the wall
/// clock when sent ("live" replay), so an update's `based_on.event_time` is the
/// produce time of the newest event behind it: latency = receipt − that time.
struct EngineLoadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-load",
        abstract: "Offer a MovieLens log to streamrec run; print end-to-end events/s and update latency p50/p99.")

    @Option(help: "Bootstrap servers of the cluster streamrec run consumes from.") var bootstrap: String
    @Option(help: "MovieLens u.data or ratings.dat.") var file: String
    @Option var eventsTopic = "streamrec.events"
    @Option var recommendationsTopic = "streamrec.recommendations"
    @Option(help: "Events to send (from the start of the file).") var limit = 100_000
    @Option(help: "Offered events/s; 0 sends as fast as possible.") var rate = 0
    @Option(help: "Stop waiting this long after the last update arrives (ms).") var idleMilliseconds = 3_000

    func run() async throws {
        let events = try Self.load(file, limit: limit)
        var consumer = KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrap),
            groupID: "engine-load-\(getpid())")
        consumer.fetchWaitMaxMilliseconds = EmbeddedKafkaCluster.recommendedFetchWaitMilliseconds
        let updates = try RecommendationTail(consumer: consumer, topic: recommendationsTopic)
        try await updates.waitUntilAssigned()

        let producer = try Self.producer(bootstrap: bootstrap)
        let encoder = EventEncoder()
        var buffer: [UInt8] = []
        let start = MonotonicClock.nanoseconds()
        for (index, template) in events.enumerated() {
            if rate > 0 {
                // Paced against the schedule, not the previous send: no drift.
                let due = start + UInt64(index) * 1_000_000_000 / UInt64(rate)
                let now = MonotonicClock.nanoseconds()
                if due > now + 200_000 { usleep(UInt32((due - now) / 1_000)) }
            }
            var event = template
            event.timestampMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
            buffer.removeAll(keepingCapacity: true)
            encoder.encode(event, into: &buffer)
            try producer.sendSync(
                topic: eventsTopic, key: Array(event.userID.utf8), value: buffer,
                timestampMilliseconds: event.timestampMilliseconds)
        }
        let sent = MonotonicClock.nanoseconds()
        try await producer.close()
        let latencies = LatencyPercentiles(await updates.stop(afterIdle: .milliseconds(idleMilliseconds)))
        let sendSeconds = Double(sent - start) / 1e9
        let endToEnd = Double(updates.lastArrivalNanoseconds - start) / 1e9
        print(
            String(
                format:
                    "ENGINE rate=%d events=%d send_s=%.2f offered_per_s=%.0f updates=%d end_to_end_s=%.2f events_per_s=%.0f latency_ms_p50=%lld p90=%lld p99=%lld max=%lld",
                rate, events.count, sendSeconds, Double(events.count) / sendSeconds, latencies.count, endToEnd,
                Double(events.count) / endToEnd, latencies.p50, latencies.p90, latencies.p99, latencies.max))
    }

    /// The load's producer: a short linger, as an application sending events as they happen.
    static func producer(bootstrap: String) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap))
        configuration.lingerMilliseconds = 5
        return try KafkaProducer(configuration: configuration)
    }

    static func load(_ file: String, limit: Int) throws -> [Event] {
        guard let format = LogFormat.detect(fileName: file), format == .movielens100k || format == .movielens1m else {
            throw ValidationError("\(file): expected MovieLens u.data or ratings.dat")
        }
        var parser = MovieLensParser(format: format, schema: EventSchema())
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var events: [Event] = []
        for line in text.split(separator: "\n") where events.count < limit {
            let bytes = Array(line.utf8)
            let parsed = bytes.withUnsafeBytes { buffer in
                Result { () throws(LogLineError) in try parser.parse(buffer) }
            }
            if case .success(let event?) = parsed { events.append(event) }
        }
        // Event-time order, as the events happened (ratings.dat is sorted by user).
        return events.sorted { $0.timestampMilliseconds < $1.timestampMilliseconds }
    }
}
