import CRdKafka

extension KafkaError {
    /// An error carrying librdkafka's code, its symbolic name and its text.
    static func rdKafka(
        _ code: Code,
        _ context: String,
        _ err: rd_kafka_resp_err_t,
        file: String = #fileID,
        line: UInt = #line
    ) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(err))
        let name = String(cString: rd_kafka_err2name(err))
        return KafkaError(
            code, "\(context): \(text)", rdKafkaCode: err.rawValue, rdKafkaName: name, file: file, line: line)
    }

    /// Converts and destroys an `rd_kafka_error_t`.
    static func consuming(
        _ error: OpaquePointer,
        _ code: Code,
        _ context: String,
        file: String = #fileID,
        line: UInt = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        let text = String(cString: rd_kafka_error_string(error))
        let name = String(cString: rd_kafka_err2name(err))
        let effective = rd_kafka_error_is_fatal(error) != 0 ? .fatal : code
        return KafkaError(
            effective, "\(context): \(text)", rdKafkaCode: err.rawValue, rdKafkaName: name, file: file, line: line)
    }
}
