import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import Testing

/// A small e-commerce stream: `users` users, `items` items with a skewed
/// popularity, all event types, one second apart. Deterministic for a seed.
func generatedEvents(count: Int, users: Int, items: Int, seed: UInt64 = 7) -> [Event] {
    var state = seed
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    let types = ["view", "view", "view", "click", "click", "add_to_cart", "purchase"]
    return (0..<count).map { index in
        let user = Int(next() % UInt64(users))
        // Product of two uniforms: low item numbers are popular.
        let item = Int(next() % UInt64(items)) * Int(next() % 1000) / 1000
        let category = "c\(item % 7)"
        return Event(userID: "u\(user)", itemID: "i\(item)", type: types[Int(next() % UInt64(types.count))],
                     timestampMilliseconds: 1_750_000_000_000 + Int64(index) * 1000, eventID: "e\(index)",
                     item: ["category": .string(category), "price": .number(Double(10 + item % 90))])
    }
}

/// Runs a `StreamingEngine` in this process the way `streamrec run` does.
final class RunningEngine: Sendable {
    let engine: StreamingEngine
    private let task: Task<Void, any Error>

    init(cluster: EmbeddedKafkaCluster, configuration: StreamRecConfiguration, stateDirectory: String,
         producer: KafkaProducerConfiguration? = nil) throws {
        engine = try StreamingEngine(
            configuration: configuration,
            consumer: cluster.consumerConfiguration(groupID: configuration.consumer.groupID),
            producer: producer ?? cluster.producerConfiguration(),
            options: .init(stateDirectory: stateDirectory),
            logger: testLogger)
        let engine = self.engine
        task = Task { try await engine.runOnDedicatedThread() }
    }

    /// Waits until the engine has taken `records` records, or `timeout` passes.
    func waitForRecords(_ records: Int, timeout: Duration = .seconds(120)) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if engine.statistics.recordsConsumed >= records { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Asks for a graceful stop and waits for it.
    func stop() async throws {
        engine.requestStop()
        try await task.value
    }
}

/// Configuration for one test: its own topics and group, small checkpoints.
func engineConfiguration(prefix: String, model: String = "hybrid") -> StreamRecConfiguration {
    var configuration = StreamRecConfiguration()
    configuration.topics.events = "\(prefix).events"
    configuration.topics.deadLetter = "\(prefix).dlq"
    configuration.topics.recommendations = "\(prefix).recommendations"
    configuration.consumer.groupID = "\(prefix)-engine"
    configuration.model.name = model
    configuration.engine.checkpointIntervalMilliseconds = 1_000
    return configuration
}

func temporaryDirectory(_ prefix: String) -> String {
    NSTemporaryDirectory() + "streamrec-\(prefix)-" + UUID().uuidString.prefix(8)
}

/// Reads every record of `topic` from the beginning until `expected` have arrived or `timeout` passes.
func readAll(_ topic: String, from cluster: EmbeddedKafkaCluster, expected: (([KafkaConsumerMessage]) -> Bool),
             timeout: Duration = .seconds(60)) async throws -> [KafkaConsumerMessage] {
    let reader = try KafkaConsumer(configuration: cluster.consumerConfiguration(groupID: "reader-\(UUID().uuidString.prefix(8))"),
                                   logger: testLogger)
    try reader.subscribe(topics: [topic])
    var messages: [KafkaConsumerMessage] = []
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end, !expected(messages) {
        messages += try await reader.nextBatch(timeout: .milliseconds(100))
    }
    try await reader.close()
    return messages
}

/// Produces `events` keyed by user, with their event time as the record timestamp, and waits for delivery.
func produce(_ events: [Event], to topic: String, cluster: EmbeddedKafkaCluster) async throws {
    let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
    let encoder = EventEncoder()
    for event in events {
        try await producer.send(KafkaProducerMessage(topic: topic, key: Array(event.userID.utf8), value: encoder.encode(event),
                                                     timestampMilliseconds: event.timestampMilliseconds))
    }
    try await producer.close()
    #expect(producer.statistics.failed == 0)
}

/// Per-user and per-item counts computed directly from the events.
struct DirectCounts {
    var userEvents: [String: Int] = [:]
    var userCounts: [String: [String: Int]] = [:]
    var itemEvents: [String: Int] = [:]
    var itemUsers: [String: Set<String>] = [:]

    init(_ events: [Event]) {
        for event in events {
            userEvents[event.userID, default: 0] += 1
            userCounts[event.userID, default: [:]][event.type, default: 0] += 1
            itemEvents[event.itemID, default: 0] += 1
            itemUsers[event.itemID, default: []].insert(event.userID)
        }
    }

    /// Records where `store` disagrees with the direct counts.
    func expectEqual(to store: FeatureStore, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(store.userCount == userEvents.count, sourceLocation: sourceLocation)
        #expect(store.itemCount == itemEvents.count, sourceLocation: sourceLocation)
        var mismatches: [String] = []
        for (user, events) in userEvents {
            let features = store.userFeatures(user)
            if features?.events != events || features?.counts.filter({ $0.value > 0 }) != userCounts[user] {
                mismatches.append(user)
            }
        }
        for (item, events) in itemEvents {
            let features = store.itemFeatures(item)
            if features?.events != events || features?.distinctUsers != itemUsers[item]?.count { mismatches.append(item) }
        }
        let sample = mismatches.prefix(10).joined(separator: ", ")
        #expect(mismatches.count == 0, "counters differ for \(sample)", sourceLocation: sourceLocation)
    }
}
