import CRdKafka

/// Owns one `rd_kafka_t` and destroys it exactly once.
///
/// `@unchecked Sendable`: librdkafka handles are thread-safe for the calls made on
/// them here; the pointer itself never changes.
final class RdKafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let callbacks: RdKafkaCallbacks

    init(type: rd_kafka_type_t, properties: [(String, String)], callbacks: RdKafkaCallbacks) throws(KafkaError) {
        let conf = try RdKafkaConfig.make(properties)
        callbacks.install(on: conf)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            // rd_kafka_new takes the conf only on success.
            rd_kafka_conf_destroy(conf)
            let reason = String(errorBuffer: errstr)
            throw KafkaError(.invalidConfiguration, "cannot create Kafka client: \(reason)")
        }
        self.handle = handle
        self.callbacks = callbacks
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// Broker and topic metadata. `allTopics` avoids the auto-creation that a
    /// request for one named topic can trigger on brokers that allow it.
    func metadata(timeoutMilliseconds: Int32) throws(KafkaError) -> KafkaClusterMetadata {
        var raw: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 1, nil, &raw, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let raw else {
            // Serve queued error callbacks so that the reason (refused, DNS…) is known.
            rd_kafka_poll(handle, 0)
            let detail = callbacks.lastErrorText.map { " (last error: \($0))" } ?? ""
            if err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT {
                throw KafkaError(
                    .brokerUnreachable,
                    "no Kafka broker answered within \(timeoutMilliseconds) ms\(detail)",
                    rdKafkaCode: err.rawValue,
                    rdKafkaName: String(cString: rd_kafka_err2name(err))
                )
            }
            throw KafkaError.rdKafka(.underlying, "metadata request failed\(detail)", err)
        }
        defer { rd_kafka_metadata_destroy(raw) }
        return KafkaClusterMetadata(raw.pointee)
    }
}
