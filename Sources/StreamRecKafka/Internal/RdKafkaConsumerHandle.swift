import CRdKafka
import Foundation
import Synchronization

/// The librdkafka side of a group consumer: the handle, its consumer queue, and
/// every call that touches partition lists or messages.
///
/// `@unchecked Sendable`: librdkafka's consumer calls are thread-safe; the
/// topic-name cache is behind a `Mutex`.
final class RdKafkaConsumerHandle: @unchecked Sendable {
    let client: RdKafkaClient
    private let queue: OpaquePointer
    private let topicNames = Mutex<[UInt: String]>([:])  // keyed by topic-handle address

    init(client: RdKafkaClient) {
        self.client = client
        // Route the main queue (errors, rebalances) to the consumer queue, so one
        // poll serves everything on the caller's thread.
        rd_kafka_poll_set_consumer(client.handle)
        queue = rd_kafka_queue_get_consumer(client.handle)
    }

    deinit {
        rd_kafka_queue_destroy(queue)
    }

    private var rk: OpaquePointer { client.handle }

    func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = RdKafkaPartitionList.make(topics.map { KafkaTopicPartition(topic: $0, partition: -1) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(rk, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.consumerOperationFailed, "subscribe to \(topics.joined(separator: ","))", err)
        }
    }

    /// Whatever is ready, up to `max` records, waiting at most `timeoutMilliseconds`
    /// for the first one. Per-record errors (e.g. an unknown topic) come back
    /// separately; they are not fatal.
    ///
    /// `rd_kafka_consume_batch_queue` alone waits until the batch is *full* or the
    /// timeout passes, which adds the whole timeout to every partial batch; so the
    /// wait is for one record, and the rest is taken without waiting.
    func poll(
        max: Int, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> (messages: [KafkaConsumerMessage], errors: [KafkaError]) {
        let raw = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: max)
        defer { raw.deallocate() }
        var count = rd_kafka_consume_batch_queue(queue, 0, raw, max)
        if count == 0, timeoutMilliseconds > 0, let first = rd_kafka_consume_queue(queue, timeoutMilliseconds) {
            raw[0] = first
            let rest = max > 1 ? rd_kafka_consume_batch_queue(queue, 0, raw + 1, max - 1) : 0
            count = 1 + Swift.max(rest, 0)
        }
        if count < 0 {
            throw KafkaError.rdKafka(.consumerOperationFailed, "consume", rd_kafka_last_error())
        }
        defer { for index in 0..<count { rd_kafka_message_destroy(raw[index]) } }
        var errors: [KafkaError] = []
        for index in 0..<count where raw[index]!.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            errors.append(Self.error(of: raw[index]!))
        }
        // One buffer holds every key and value of the batch; each message gets slices
        // of it, so a batch costs one allocation instead of two per record.
        var total = 0
        for index in 0..<count where raw[index]!.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            total += raw[index]!.pointee.key_len + raw[index]!.pointee.len
        }
        // At least one byte: at capacity 0 the initializer writes to the empty-array
        // storage all threads share, which ThreadSanitizer reports as a race.
        let arena = [UInt8](unsafeUninitializedCapacity: Swift.max(total, 1)) { buffer, initialized in
            var offset = 0
            for index in 0..<count where raw[index]!.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                let m = raw[index]!.pointee
                if let key = m.key, m.key_len > 0, let base = buffer.baseAddress {
                    memcpy(base + offset, key, m.key_len)
                    offset += m.key_len
                }
                if let payload = m.payload, m.len > 0, let base = buffer.baseAddress {
                    memcpy(base + offset, payload, m.len)
                    offset += m.len
                }
            }
            initialized = offset
        }
        var messages: [KafkaConsumerMessage] = []
        messages.reserveCapacity(count - errors.count)
        topicNames.withLock { names in
            var offset = 0
            for index in 0..<count where raw[index]!.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                messages.append(Self.copy(raw[index]!, arena: arena, offset: &offset, names: &names))
            }
        }
        if errors.contains(where: { $0.code == .fatal }) {
            throw errors.first { $0.code == .fatal }!
        }
        return (messages, errors)
    }

    private static func error(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaError {
        let text = String(cString: rd_kafka_message_errstr(message))
        let err = message.pointee.err
        let fatal = err == RD_KAFKA_RESP_ERR__FATAL
        return KafkaError(
            fatal ? .fatal : .consumerOperationFailed,
            "consume: \(text)",
            rdKafkaCode: err.rawValue,
            rdKafkaName: String(cString: rd_kafka_err2name(err))
        )
    }

    /// Builds the Swift message; its key and value are slices of `arena`, which holds
    /// the batch's bytes in record order starting at `offset`.
    private static func copy(
        _ message: UnsafeMutablePointer<rd_kafka_message_t>,
        arena: [UInt8],
        offset: inout Int,
        names: inout [UInt: String]
    ) -> KafkaConsumerMessage {
        let m = message.pointee
        var topic = ""
        if let rkt = m.rkt {
            let address = UInt(bitPattern: rkt)
            if let name = names[address] {
                topic = name
            } else {
                topic = String(cString: rd_kafka_topic_name(rkt))
                names[address] = topic
            }
        }
        var key: ArraySlice<UInt8>?
        if m.key != nil {
            key = arena[offset..<(offset + m.key_len)]
            offset += m.key_len
        }
        var value: ArraySlice<UInt8>?
        if m.payload != nil {
            value = arena[offset..<(offset + m.len)]
            offset += m.len
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaConsumerMessage(
            topic: topic,
            partition: m.partition,
            offset: m.offset,
            key: key,
            value: value,
            headers: headers(of: message),
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }

    func commit(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = RdKafkaPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(rk, list, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, "commit", err)
        }
        if let error = RdKafkaPartitionList.firstError(list, "commit") { throw error }
    }

    func committed(
        _ partitions: [KafkaTopicPartition], timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        let list = RdKafkaPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(rk, list, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, "fetch committed offsets", err)
        }
        return RdKafkaPartitionList.elements(list).map(\.0)
    }

    /// For each partition (its offset field holding a timestamp in epoch ms), the
    /// earliest offset whose timestamp is at or after it; the end offset where none is.
    func offsets(
        forTimes queries: [KafkaTopicPartitionOffset], timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        let list = RdKafkaPartitionList.make(queries)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_for_times(rk, list, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, "look up offsets for times", err)
        }
        if let error = RdKafkaPartitionList.firstError(list, "look up offsets for times") { throw error }
        return RdKafkaPartitionList.elements(list).map(\.0)
    }

    func seek(_ positions: [KafkaTopicPartitionOffset], timeoutMilliseconds: Int32) throws(KafkaError) {
        let list = RdKafkaPartitionList.make(positions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let error = rd_kafka_seek_partitions(rk, list, timeoutMilliseconds) {
            throw KafkaError.consuming(error, .consumerOperationFailed, "seek")
        }
        if let error = RdKafkaPartitionList.firstError(list, "seek") { throw error }
    }

    /// Reads exactly these partitions from these offsets, outside any group's assignment.
    func assign(_ positions: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        let list = RdKafkaPartitionList.make(positions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(rk, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, "assign", err)
        }
    }

    /// The partition's low and high watermarks, asked of its leader.
    func watermarks(
        _ partition: KafkaTopicPartition, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(
            rk, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, "query watermarks of \(partition)", err)
        }
        return (low, high)
    }

    /// The partition's high watermark as of the last fetch response, without a
    /// request; nil before the first.
    func cachedHighWatermark(_ partition: KafkaTopicPartition) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_get_watermark_offsets(rk, partition.topic, partition.partition, &low, &high)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
    }

    func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try changeFlow(partitions, pause: true)
    }

    func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try changeFlow(partitions, pause: false)
    }

    private func changeFlow(_ partitions: [KafkaTopicPartition], pause: Bool) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let list = RdKafkaPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = pause ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list)
        let verb = pause ? "pause" : "resume"
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, verb, err)
        }
        if let error = RdKafkaPartitionList.firstError(list, verb) { throw error }
    }

    func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(rk, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
            throw KafkaError.rdKafka(.consumerOperationFailed, "read assignment", err)
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RdKafkaPartitionList.partitions(list).sorted()
    }

    /// Leaves the group (serving the final revocation) and stops fetching.
    func close() throws(KafkaError) {
        // librdkafka 2.0.2 can hang closing a consumer with paused partitions
        // (upstream issues 4486, 4674): resume everything first.
        if let assigned = try? assignment() {
            try? resume(assigned)
        }
        let err = rd_kafka_consumer_close(rk)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.rdKafka(.consumerOperationFailed, "close", err)
        }
    }

    /// Applies a rebalance as librdkafka requires, eager or cooperative.
    static func applyRebalance(
        _ rk: OpaquePointer,
        _ err: rd_kafka_resp_err_t,
        _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        listener: KafkaRebalanceListener,
        emit: (KafkaConsumerEvent) -> Void
    ) {
        let list = RdKafkaPartitionList.partitions(partitions)
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let starts = listener.onAssigned(list)
            for index in 0..<Int(partitions.pointee.cnt) {
                let element = partitions.pointee.elems[index]
                let key = KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
                if let start = starts[key] { partitions.pointee.elems[index].offset = start.rawValue }
            }
            emit(.assigned(list))
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, partitions) {
                    emit(.error(KafkaError.consuming(error, .consumerOperationFailed, "incremental assign")))
                }
            } else {
                rd_kafka_assign(rk, partitions)
            }
        default:
            // Revocation, or a rebalance error: either way the partitions are no longer ours.
            listener.onRevoked(list)
            emit(.revoked(list))
            if err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS {
                emit(.error(KafkaError.rdKafka(.consumerOperationFailed, "rebalance", err)))
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, partitions) {
                    emit(.error(KafkaError.consuming(error, .consumerOperationFailed, "incremental unassign")))
                }
            } else {
                rd_kafka_assign(rk, nil)
            }
        }
    }
}
