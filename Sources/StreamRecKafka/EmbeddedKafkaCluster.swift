import CRdKafka
import Logging

/// A Kafka-protocol cluster inside this process (librdkafka's mock cluster), on
/// loopback TCP ports, so that StreamRec and any Kafka client — kcat, Python's
/// confluent-kafka — can talk to it without a Kafka installation.
///
/// Limits measured with librdkafka 2.0.2 (see the README): each partition keeps
/// only about the last 5 MiB of record batches; an empty partition's fetch waits
/// the whole `fetch.wait.max.ms` (use ``recommendedFetchWaitMilliseconds``); topic
/// configs such as `cleanup.policy` are accepted but not enforced; a group join
/// takes about 3 s.
///
/// ```swift
/// let cluster = try EmbeddedKafkaCluster(brokers: 3)
/// try cluster.createTopic("events", partitions: 6)
/// let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
/// ```
public final class EmbeddedKafkaCluster: Sendable {
    /// `fetch.wait.max.ms` for consumers of this cluster: low, because the mock
    /// waits the full value on every empty fetch.
    public static let recommendedFetchWaitMilliseconds = 5

    private let host: RdKafkaMockHost
    /// `host:port[,host:port…]` of every broker.
    public let bootstrapServers: String
    /// Broker ids are `1...brokerCount`.
    public let brokerCount: Int

    public init(brokers: Int = 1, logger: Logger = Logger(label: "streamrec.kafka.embedded")) throws(KafkaError) {
        guard brokers >= 1 else {
            throw KafkaError(.invalidConfiguration, "embedded cluster needs at least one broker, got \(brokers)")
        }
        host = try RdKafkaMockHost(brokers: Int32(brokers), logger: logger)
        bootstrapServers = host.bootstrapServers
        brokerCount = brokers
    }

    /// Client settings that reach this cluster.
    public func clientConfiguration(clientID: String = "streamrec") -> KafkaClientConfiguration {
        KafkaClientConfiguration(
            bootstrapServers: bootstrapServers.split(separator: ",").map(String.init), clientID: clientID)
    }

    /// Producer settings for this cluster (StreamRec's defaults: idempotent, lz4).
    public func producerConfiguration() -> KafkaProducerConfiguration {
        KafkaProducerConfiguration(client: clientConfiguration())
    }

    /// Consumer settings for this cluster, with the low fetch wait it needs.
    public func consumerConfiguration(groupID: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(client: clientConfiguration(), groupID: groupID)
        configuration.fetchWaitMaxMilliseconds = Self.recommendedFetchWaitMilliseconds
        return configuration
    }

    /// Creates a topic (an existing one keeps its partitions).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try host.check(
            rd_kafka_mock_topic_create(host.cluster, name, partitions, min(replicationFactor, Int32(brokerCount))),
            "create topic '\(name)'")
    }

    /// Takes a broker off the network: its connections drop and new ones are refused.
    public func setBrokerDown(_ brokerID: Int32) throws(KafkaError) {
        try host.check(rd_kafka_mock_broker_set_down(host.cluster, brokerID), "take broker \(brokerID) down")
    }

    /// Brings a broker taken down with ``setBrokerDown(_:)`` back.
    public func setBrokerUp(_ brokerID: Int32) throws(KafkaError) {
        try host.check(rd_kafka_mock_broker_set_up(host.cluster, brokerID), "bring broker \(brokerID) up")
    }

    /// Delays every response of a broker by `milliseconds`.
    public func setRoundTripTime(broker brokerID: Int32, milliseconds: Int32) throws(KafkaError) {
        try host.check(
            rd_kafka_mock_broker_set_rtt(host.cluster, brokerID, milliseconds), "set rtt of broker \(brokerID)")
    }

    /// Moves a partition's leadership to `brokerID`.
    public func setPartitionLeader(topic: String, partition: Int32, brokerID: Int32) throws(KafkaError) {
        try host.check(
            rd_kafka_mock_partition_set_leader(host.cluster, topic, partition, brokerID),
            "move leader of \(topic)[\(partition)] to broker \(brokerID)")
    }

    /// Makes `brokerID` the coordinator of consumer group `group`, so that a fault
    /// test can take another broker down without the group losing its coordinator.
    public func setGroupCoordinator(_ group: String, brokerID: Int32) throws(KafkaError) {
        try host.check(
            rd_kafka_mock_coordinator_set(host.cluster, "group", group, brokerID),
            "make broker \(brokerID) coordinator of group '\(group)'")
    }

    /// The broker that leads `partition` of `topic`, read from cluster metadata.
    public func leader(topic: String, partition: Int32) async throws(KafkaError) -> Int32 {
        let metadata = try await KafkaAdmin(configuration: clientConfiguration(), logger: host.client.callbacks.logger)
            .metadata()
        guard let found = metadata.topic(named: topic)?.partitions.first(where: { $0.id == partition }) else {
            throw KafkaError(.topicOperationFailed, "no partition \(topic)[\(partition)] in the embedded cluster")
        }
        return found.leader
    }

    /// Makes the next `errors.count` requests of `api` fail, in order, with those errors.
    public func pushRequestErrors(api: KafkaAPIKey, errors: [KafkaProtocolError]) {
        var raw = errors.map { rd_kafka_resp_err_t($0.rawValue) }
        raw.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(host.cluster, api.rawValue, buffer.count, buffer.baseAddress)
        }
    }

    /// Drops errors queued with ``pushRequestErrors(api:errors:)``.
    public func clearRequestErrors(api: KafkaAPIKey) {
        rd_kafka_mock_clear_request_errors(host.cluster, api.rawValue)
    }

    /// Makes every request touching `topic` fail with `error` until cleared with `.none`.
    public func setTopicError(_ topic: String, _ error: KafkaProtocolError) {
        rd_kafka_mock_topic_set_error(host.cluster, topic, rd_kafka_resp_err_t(error.rawValue))
    }
}

/// A Kafka protocol request type, by its API key, for fault injection.
public struct KafkaAPIKey: Sendable, Hashable, RawRepresentable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = KafkaAPIKey(rawValue: 0)
    public static let fetch = KafkaAPIKey(rawValue: 1)
    public static let listOffsets = KafkaAPIKey(rawValue: 2)
    public static let metadata = KafkaAPIKey(rawValue: 3)
    public static let offsetCommit = KafkaAPIKey(rawValue: 8)
    public static let offsetFetch = KafkaAPIKey(rawValue: 9)
    public static let findCoordinator = KafkaAPIKey(rawValue: 10)
    public static let joinGroup = KafkaAPIKey(rawValue: 11)
    public static let heartbeat = KafkaAPIKey(rawValue: 12)
    public static let syncGroup = KafkaAPIKey(rawValue: 14)
    public static let initProducerID = KafkaAPIKey(rawValue: 22)
}

/// A Kafka protocol error code, for fault injection.
public struct KafkaProtocolError: Sendable, Hashable, RawRepresentable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let none = KafkaProtocolError(rawValue: 0)
    public static let notLeaderForPartition = KafkaProtocolError(rawValue: 6)
    public static let requestTimedOut = KafkaProtocolError(rawValue: 7)
    public static let notEnoughReplicas = KafkaProtocolError(rawValue: 19)
    public static let coordinatorNotAvailable = KafkaProtocolError(rawValue: 15)
    public static let notCoordinator = KafkaProtocolError(rawValue: 16)
    public static let rebalanceInProgress = KafkaProtocolError(rawValue: 27)
}
