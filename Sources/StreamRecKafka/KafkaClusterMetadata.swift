/// What a cluster reports about its brokers and topics.
public struct KafkaClusterMetadata: Sendable {
    public struct Broker: Sendable, Hashable {
        public var id: Int32
        public var host: String
        public var port: Int32
    }

    public struct Partition: Sendable, Hashable {
        public var id: Int32
        /// Broker id of the leader, or -1 when the partition has none.
        public var leader: Int32
        public var replicas: [Int32]
        public var inSyncReplicas: [Int32]
    }

    public struct Topic: Sendable, Hashable {
        public var name: String
        public var partitions: [Partition]
        /// librdkafka's error name for this topic (e.g. `UNKNOWN_TOPIC_OR_PART`), if any.
        public var error: String?

        /// The replication factor, read off the first partition.
        public var replicationFactor: Int { partitions.first?.replicas.count ?? 0 }
    }

    public var brokers: [Broker]
    public var topics: [Topic]

    /// The topic named `name`, if the cluster knows it without error.
    public func topic(named name: String) -> Topic? {
        topics.first { $0.name == name && $0.error == nil }
    }
}
