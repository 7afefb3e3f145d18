import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// Runs a `StreamingEngine` in this process the way `streamrec run` does.
final class RunningEngine: Sendable {
    let engine: StreamingEngine
    let stateDirectory: String
    private let task: Task<Void, any Error>

    init(
        cluster: EmbeddedKafkaCluster, configuration: StreamRecConfiguration, stateDirectory: String,
        producer: KafkaProducerConfiguration? = nil
    ) throws {
        self.stateDirectory = stateDirectory
        engine = try StreamingEngine(
            configuration: configuration,
            consumer: cluster.consumerConfiguration(groupID: configuration.consumer.groupID),
            producer: producer ?? cluster.producerConfiguration(),
            options: .init(stateDirectory: stateDirectory),
            logger: testLogger)
        let engine = self.engine
        task = Task { try await engine.run() }
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

    /// Waits for the engine to end by itself; the error it ended with, if any.
    func failure() async -> (any Error)? {
        do {
            try await task.value
            return nil
        } catch {
            return error
        }
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
    configuration.topics.changelog = "\(prefix).changelog"
    configuration.consumer.groupID = "\(prefix)-engine"
    configuration.model.name = model
    configuration.engine.checkpointIntervalMilliseconds = 1_000
    return configuration
}

/// The four topics of `configuration`, partitioned as in `topics/`. The embedded
/// cluster does not create topics through the admin API, so the test makes the changelog too.
func createTopics(
    of configuration: StreamRecConfiguration, on cluster: EmbeddedKafkaCluster, partitions: Int32 = 6
) throws {
    try cluster.createTopic(configuration.topics.events, partitions: partitions)
    try cluster.createTopic(configuration.topics.deadLetter, partitions: 3)
    try cluster.createTopic(configuration.topics.recommendations, partitions: partitions)
    try cluster.createTopic(configuration.topics.changelog, partitions: partitions)
}

/// Reads every record of `topic` from the beginning until `expected` have arrived or `timeout` passes.
func readAll(
    _ topic: String, from cluster: EmbeddedKafkaCluster, expected: (([KafkaConsumerMessage]) -> Bool),
    timeout: Duration = .seconds(60)
) async throws -> [KafkaConsumerMessage] {
    let reader = try KafkaConsumer(
        configuration: cluster.consumerConfiguration(groupID: "reader-\(UUID().uuidString.prefix(8))"),
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
