import Foundation
import Logging
import StreamRecCore
import StreamRecKafka

/// What a command needs after parsing: the layered configuration, where Kafka is,
/// and a logger.
struct CommandContext {
    let loaded: ConfigurationLoader.Loaded
    let configFile: String?
    let logger: Logger
    private let brokerFile: BrokerAddressFile

    var configuration: StreamRecConfiguration { loaded.configuration }

    /// - Parameter commandOverrides: settings a command's own flags set (such as
    ///   `run --model`); they win over every other layer.
    init(
        _ options: some CommandOptions, label: String, commandOverrides: [ConfigurationLoader.Override] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var logger = Logger(label: "streamrec.\(label)")
        logger.logLevel = options.local.logLevel
        self.logger = logger
        brokerFile = BrokerAddressFile(environment: environment)

        var file: (name: String, text: String)?
        if let explicit = options.local.configFile ?? environment["STREAMREC_CONFIG"] {
            guard let text = try? String(contentsOfFile: explicit, encoding: .utf8) else {
                throw CommandError.usage(
                    "cannot read config file '\(explicit)': check the path given to -c/--config or STREAMREC_CONFIG")
            }
            file = (explicit, text)
        } else if let text = try? String(contentsOfFile: "config/streamrec.yaml", encoding: .utf8) {
            file = ("config/streamrec.yaml", text)
        }
        configFile = file?.name

        var overrides: [ConfigurationLoader.Override] = []
        if let servers = options.bootstrapServers {
            overrides.append(.init(path: "kafka.bootstrap_servers", value: servers, origin: "--bootstrap-servers"))
        }
        for property in options.properties {
            guard property.contains("="), !property.hasPrefix("=") else {
                throw CommandError.usage("-X expects key=value (a librdkafka property), got '\(property)'")
            }
            overrides.append(.init(path: "kafka.properties", value: property, origin: "-X \(property)"))
        }
        loaded = try ConfigurationLoader.load(
            file: file, environment: environment, overrides: overrides + commandOverrides)
        // Catch a misspelt or invalid librdkafka property before connecting anywhere.
        try KafkaProducerConfiguration(
            client: KafkaClientConfiguration(
                bootstrapServers: ["localhost:9092"], properties: configuration.kafka.properties)
        ).validate()
    }

    /// Where Kafka is, and whether it is our embedded broker (which wants the
    /// low-latency fetch settings).
    struct Bootstrap {
        var servers: String
        var source: String
        var embedded: Bool
    }

    func bootstrap() throws -> Bootstrap {
        let configured = configuration.kafka.bootstrapServers.trimmingCharacters(in: .whitespaces)
        if !configured.isEmpty {
            return Bootstrap(
                servers: configured, source: loaded.origins["kafka.bootstrap_servers"] ?? "config", embedded: false)
        }
        if let entry = brokerFile.read() {
            return Bootstrap(
                servers: entry.bootstrapServers, source: "\(brokerFile.path) (streamrec broker, pid \(entry.pid))",
                embedded: true)
        }
        throw CommandError.usage(
            """
            no Kafka bootstrap servers: pass -b HOST:PORT, set STREAMREC_BOOTSTRAP_SERVERS or kafka.bootstrap_servers \
            in the config file, or start the embedded broker with `streamrec broker`
            """)
    }

    func clientConfiguration() throws -> KafkaClientConfiguration {
        var client = KafkaClientConfiguration(
            bootstrapServers: try bootstrap().servers, properties: configuration.kafka.properties)
        client.clientID = configuration.kafka.clientID
        return client
    }

    /// A producer that refuses records over `kafka.max_record_bytes` (a
    /// `message.max.bytes` given with -X still wins).
    func producerConfiguration() throws -> KafkaProducerConfiguration {
        var producer = KafkaProducerConfiguration(client: try clientConfiguration())
        producer.maxRecordBytes = configuration.kafka.maxRecordBytes
        return producer
    }

    func consumerConfiguration(groupID: String) throws -> KafkaConsumerConfiguration {
        var consumer = KafkaConsumerConfiguration(client: try clientConfiguration(), groupID: groupID)
        consumer.autoOffsetReset =
            KafkaConsumerConfiguration.AutoOffsetReset(rawValue: configuration.consumer.autoOffsetReset) ?? .earliest
        consumer.sessionTimeoutMilliseconds = configuration.consumer.sessionTimeoutMilliseconds
        consumer.instanceID = configuration.consumer.instanceID.isEmpty ? nil : configuration.consumer.instanceID
        if try bootstrap().embedded, configuration.kafka.properties["fetch.wait.max.ms"] == nil {
            consumer.fetchWaitMaxMilliseconds = EmbeddedKafkaCluster.recommendedFetchWaitMilliseconds
        }
        return consumer
    }

    /// A producer for `topic`, once the cluster has answered and has the topic: a
    /// missing topic is reported before anything is sent.
    func producer(to topic: String) async throws -> KafkaProducer {
        let (_, metadata) = try await connectedAdmin()
        guard metadata.topic(named: topic) != nil else {
            throw KafkaError(
                .topicOperationFailed, "topic '\(topic)' does not exist; create it with `streamrec topics apply`")
        }
        return try KafkaProducer(configuration: producerConfiguration(), logger: logger)
    }

    /// An admin client that has answered once, so that an unreachable cluster is
    /// reported now, within `kafka.connect_timeout_ms`, and not as a hang later.
    func connectedAdmin() async throws -> (KafkaAdmin, KafkaClusterMetadata) {
        let bootstrap = try bootstrap()
        let admin = try KafkaAdmin(configuration: clientConfiguration(), logger: logger)
        let result = await Result { () async throws(KafkaError) -> KafkaClusterMetadata in
            try await admin.metadata(timeout: .milliseconds(configuration.kafka.connectTimeoutMilliseconds))
        }
        switch result {
        case .success(let metadata):
            return (admin, metadata)
        case .failure(let error) where error.code == .brokerUnreachable:
            throw KafkaError(
                .brokerUnreachable,
                "cannot reach Kafka at \(bootstrap.servers) (from \(bootstrap.source)): \(error.message)",
                rdKafkaCode: error.rdKafkaCode, rdKafkaName: error.rdKafkaName)
        case .failure(let error):
            throw error
        }
    }
}
