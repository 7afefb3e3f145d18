import CRdKafka

/// Builds an `rd_kafka_conf_t` from property pairs, turning librdkafka's
/// rejection of any property into an error that names it.
enum RdKafkaConfig {
    /// Returns an owned conf; the caller passes it to `rd_kafka_new` (which takes it)
    /// or destroys it.
    static func make(_ properties: [(String, String)]) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        for (key, value) in properties {
            var errstr = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let reason = String(errorBuffer: errstr)
                throw KafkaError(.invalidProperty, "librdkafka property '\(key)': \(reason)")
            }
        }
        return conf
    }

    /// Checks every property without creating a client, so that a command can fail
    /// fast on a bad `-X` before it connects anywhere.
    static func validate(_ properties: [(String, String)]) throws(KafkaError) {
        rd_kafka_conf_destroy(try make(properties))
    }
}

extension KafkaProducerConfiguration {
    /// Checks every librdkafka property without connecting.
    public func validate() throws(KafkaError) {
        try RdKafkaConfig.validate(librdkafkaProperties())
    }
}

extension KafkaConsumerConfiguration {
    /// Checks every librdkafka property without connecting.
    public func validate() throws(KafkaError) {
        try RdKafkaConfig.validate(librdkafkaProperties())
    }
}

extension String {
    /// Text from a NUL-terminated C error buffer.
    init(errorBuffer: [CChar]) {
        self = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
