import CRdKafka

/// Builds and reads `rd_kafka_topic_partition_list_t`.
enum RdKafkaPartitionList {
    static func make(_ items: [KafkaTopicPartitionOffset]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(items.count))!
        for item in items {
            let element = rd_kafka_topic_partition_list_add(
                list, item.topicPartition.topic, item.topicPartition.partition)!
            element.pointee.offset = item.offset.rawValue
        }
        return list
    }

    static func make(_ partitions: [KafkaTopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        make(partitions.map { KafkaTopicPartitionOffset($0, offset: .invalid) })
    }

    static func elements(
        _ list: UnsafePointer<rd_kafka_topic_partition_list_t>
    ) -> [(KafkaTopicPartitionOffset, rd_kafka_resp_err_t)] {
        UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)).map {
            (
                KafkaTopicPartitionOffset(
                    topic: String(cString: $0.topic), partition: $0.partition, offset: KafkaOffset($0.offset)), $0.err
            )
        }
    }

    static func partitions(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        elements(list).map(\.0.topicPartition)
    }

    /// The first per-partition error in a result list, as a `KafkaError`.
    static func firstError(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>, _ context: String) -> KafkaError? {
        for (item, err) in elements(list) where err != RD_KAFKA_RESP_ERR_NO_ERROR {
            return KafkaError.rdKafka(.consumerOperationFailed, "\(context) \(item.topicPartition)", err)
        }
        return nil
    }
}
