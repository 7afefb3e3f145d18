import CRdKafka
import Logging

/// Cluster administration: metadata and topic creation.
public final class KafkaAdmin: Sendable {
    private let client: RdKafkaClient
    private let blocking = BlockingExecutor(label: "streamrec.kafka.admin")

    public init(
        configuration: KafkaClientConfiguration, logger: Logger = Logger(label: "streamrec.kafka.admin")
    ) throws(KafkaError) {
        client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER,
            properties: configuration.baseProperties() + configuration.properties.sorted { $0.key < $1.key },
            // Its failures are thrown with the last error: librdkafka's lines are detail.
            callbacks: RdKafkaCallbacks(logger: logger, loudest: .debug)
        )
    }

    /// Brokers and topics. Throws ``KafkaError/Code/brokerUnreachable``, naming the
    /// last connection error, when no broker answers within `timeout`.
    public func metadata(timeout: Duration = .seconds(10)) async throws(KafkaError) -> KafkaClusterMetadata {
        let client = self.client
        let ms = timeout.milliseconds
        return try await blocking.run { () throws(KafkaError) in try client.metadata(timeoutMilliseconds: ms) }
    }

    /// Creates topics; one that exists already is reported as
    /// ``KafkaTopicCreation/alreadyExists``, not as an error.
    public func createTopics(
        _ topics: [KafkaNewTopic],
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [String: Result<KafkaTopicCreation, KafkaError>] {
        let client = self.client
        let ms = timeout.milliseconds
        return try await blocking.run { () throws(KafkaError) in
            try RdKafkaAdminCalls.createTopics(client, topics, timeoutMilliseconds: ms)
        }
    }

    /// Creates only the topics the cluster lacks (existing ones are left as they
    /// are, whatever their settings), so running it twice changes nothing.
    /// Results come in the order of `topics`.
    public func ensureTopics(
        _ topics: [KafkaNewTopic],
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [(topic: KafkaNewTopic, result: Result<KafkaTopicCreation, KafkaError>)] {
        try await blocking.run { () throws(KafkaError) in try self.ensureTopicsSync(topics, timeout: timeout) }
    }

    /// ``ensureTopics(_:timeout:)`` on the calling thread, for a caller that owns
    /// one (the engine's processing loop).
    public func ensureTopicsSync(
        _ topics: [KafkaNewTopic],
        timeout: Duration = .seconds(30)
    ) throws(KafkaError) -> [(topic: KafkaNewTopic, result: Result<KafkaTopicCreation, KafkaError>)] {
        let ms = timeout.milliseconds
        let existing = try client.metadata(timeoutMilliseconds: ms)
        let missing = topics.filter { existing.topic(named: $0.name) == nil }
        var created: [String: Result<KafkaTopicCreation, KafkaError>] = [:]
        if !missing.isEmpty {
            do {
                created = try RdKafkaAdminCalls.createTopics(client, missing, timeoutMilliseconds: ms)
            } catch {
                // A request-level failure (no controller, timeout) fails each topic it carried.
                for topic in missing {
                    created[topic.name] = .failure(
                        KafkaError(
                            error.code, "create topic '\(topic.name)': \(error.message)",
                            rdKafkaCode: error.rdKafkaCode, rdKafkaName: error.rdKafkaName))
                }
            }
        }
        return topics.map { topic in
            if let found = existing.topic(named: topic.name) {
                return (topic, .success(.alreadyExists(partitions: found.partitions.count)))
            }
            return (
                topic,
                created[topic.name]
                    ?? .failure(KafkaError(.topicOperationFailed, "no result for topic '\(topic.name)'"))
            )
        }
    }

    /// The cluster's metadata on the calling thread.
    public func metadataSync(timeout: Duration = .seconds(10)) throws(KafkaError) -> KafkaClusterMetadata {
        try client.metadata(timeoutMilliseconds: timeout.milliseconds)
    }
}
