/// A topic to create.
public struct KafkaNewTopic: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Topic-level configs such as `cleanup.policy=compact` or `retention.ms`.
    public var configs: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int32, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// What happened to one topic in ``KafkaAdmin/createTopics(_:timeout:)``.
public enum KafkaTopicCreation: Sendable, Equatable {
    case created
    /// The topic was there already, with this many partitions; creating is idempotent.
    case alreadyExists(partitions: Int?)
}
