import CRdKafka

extension KafkaClusterMetadata {
    init(_ raw: rd_kafka_metadata) {
        let brokers = UnsafeBufferPointer(start: raw.brokers, count: Int(raw.broker_cnt)).map {
            Broker(id: $0.id, host: String(cString: $0.host), port: $0.port)
        }
        let topics = UnsafeBufferPointer(start: raw.topics, count: Int(raw.topic_cnt)).map { topic in
            let partitions = UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt)).map {
                Partition(
                    id: $0.id,
                    leader: $0.leader,
                    replicas: Array(UnsafeBufferPointer(start: $0.replicas, count: Int($0.replica_cnt))),
                    inSyncReplicas: Array(UnsafeBufferPointer(start: $0.isrs, count: Int($0.isr_cnt)))
                )
            }.sorted { $0.id < $1.id }
            return Topic(
                name: String(cString: topic.topic),
                partitions: partitions,
                error: topic.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : String(cString: rd_kafka_err2name(topic.err))
            )
        }.sorted { $0.name < $1.name }
        self.init(brokers: brokers.sorted { $0.id < $1.id }, topics: topics)
    }
}
