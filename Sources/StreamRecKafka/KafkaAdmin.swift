import CRdKafka
import Logging

/// Cluster administration: metadata and topic creation.
public final class KafkaAdmin: Sendable {
    private let client: RdKafkaClient
    private let blocking = BlockingExecutor(label: "streamrec.kafka.admin")

    public init(configuration: KafkaClientConfiguration, logger: Logger = Logger(label: "streamrec.kafka.admin")) throws(KafkaError) {
        client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER,
            properties: configuration.baseProperties() + configuration.properties.sorted { $0.key < $1.key },
            callbacks: RdKafkaCallbacks(logger: logger)
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
}
