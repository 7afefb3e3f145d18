import CRdKafka

/// The admin API calls, on a client handle used only for administration.
enum RdKafkaAdminCalls {
    static func createTopics(
        _ client: RdKafkaClient,
        _ topics: [KafkaNewTopic],
        timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [String: Result<KafkaTopicCreation, KafkaError>] {
        guard !topics.isEmpty else { return [:] }
        let rk = client.handle
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        var errstr = [CChar](repeating: 0, count: 512)
        for topic in topics {
            guard
                let newTopic = rd_kafka_NewTopic_new(
                    topic.name, topic.partitions, topic.replicationFactor, &errstr, errstr.count)
            else {
                throw KafkaError(.topicOperationFailed, "topic '\(topic.name)': \(String(errorBuffer: errstr))")
            }
            newTopics.append(newTopic)
            for (key, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(newTopic, key, value)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError.rdKafka(.topicOperationFailed, "topic '\(topic.name)' config \(key)=\(value)", err)
                }
            }
        }
        let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errstr, errstr.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, &errstr, errstr.count)
        let queue = rd_kafka_queue_new(rk)
        defer { rd_kafka_queue_destroy(queue) }

        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(rk, buffer.baseAddress, buffer.count, options, queue)
        }
        // The request carries its own timeout; wait a little longer for its answer.
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds + 5_000) else {
            throw KafkaError(.timedOut, "create topics: no answer within \(timeoutMilliseconds) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(
                eventError == RD_KAFKA_RESP_ERR__TIMED_OUT ? .timedOut : .topicOperationFailed,
                "create topics: \(text)",
                rdKafkaCode: eventError.rawValue,
                rdKafkaName: String(cString: rd_kafka_err2name(eventError))
            )
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(.topicOperationFailed, "create topics: unexpected result event")
        }
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(result, &count)
        var outcome: [String: Result<KafkaTopicCreation, KafkaError>] = [:]
        for index in 0..<count {
            guard let item = results?[index] else { continue }
            let name = String(cString: rd_kafka_topic_result_name(item))
            let err = rd_kafka_topic_result_error(item)
            switch err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                outcome[name] = .success(.created)
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
                outcome[name] = .success(.alreadyExists(partitions: nil))
            default:
                let text = rd_kafka_topic_result_error_string(item).map { String(cString: $0) } ?? ""
                outcome[name] = .failure(
                    KafkaError(
                        .topicOperationFailed,
                        "create topic '\(name)': \(text.isEmpty ? String(cString: rd_kafka_err2str(err)) : text)",
                        rdKafkaCode: err.rawValue,
                        rdKafkaName: String(cString: rd_kafka_err2name(err))
                    ))
            }
        }
        return outcome
    }
}
