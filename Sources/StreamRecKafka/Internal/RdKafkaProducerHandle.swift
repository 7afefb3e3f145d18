import CRdKafka
import Synchronization

/// The librdkafka side of a producer: the handle, its topic handles and the
/// `produceva` call.
///
/// `@unchecked Sendable`: `rd_kafka_produceva` and topic-handle creation are
/// thread-safe; the topic-handle cache is behind a `Mutex`.
final class RdKafkaProducerHandle: @unchecked Sendable {
    let client: RdKafkaClient
    private let topics = Mutex<[String: OpaquePointer]>([:])

    init(client: RdKafkaClient) {
        self.client = client
    }

    deinit {
        // Topic handles must go before the client handle they belong to.
        topics.withLock { cache in
            for handle in cache.values { rd_kafka_topic_destroy(handle) }
            cache.removeAll()
        }
    }

    private func topicHandle(_ name: String) -> OpaquePointer {
        topics.withLock { cache in
            if let handle = cache[name] { return handle }
            let handle = rd_kafka_topic_new(client.handle, name, nil)!
            cache[name] = handle
            return handle
        }
    }

    /// Enqueues one record; `opaque` comes back in its delivery report.
    func produce(_ message: KafkaProducerMessage, opaque: UInt) throws(KafkaError) {
        let rkt = topicHandle(message.topic)
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            let list = rd_kafka_headers_new(message.headers.count)!
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { _ = rd_kafka_header_add(list, header.key, -1, $0.baseAddress, $0.count) }
                } else {
                    rd_kafka_header_add(list, header.key, -1, nil, 0)
                }
            }
            headers = list
        }
        let error = withOptionalBytes(message.key) { keyPointer, keyCount in
            withOptionalBytes(message.value) { valuePointer, valueCount in
                withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
                    var count = 0
                    func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                        var vu = rd_kafka_vu_t()
                        vu.vtype = type
                        fill(&vu)
                        vus[count] = vu
                        count += 1
                    }
                    add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = rkt }
                    add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                    if let keyPointer {
                        add(RD_KAFKA_VTYPE_KEY) { $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyPointer); $0.u.mem.size = keyCount }
                    }
                    if let valuePointer {
                        add(RD_KAFKA_VTYPE_VALUE) { $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: valuePointer); $0.u.mem.size = valueCount }
                    }
                    if let partition = message.partition {
                        add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }
                    }
                    if let timestamp = message.timestampMilliseconds {
                        add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp }
                    }
                    if let headers {
                        add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers }
                    }
                    if opaque != 0 {
                        add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: opaque) }
                    }
                    return rd_kafka_produceva(client.handle, vus.baseAddress, count)
                }
            }
        }
        guard let error else { return }
        // On failure the headers were not taken over.
        if let headers { rd_kafka_headers_destroy(headers) }
        if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            rd_kafka_error_destroy(error)
            throw KafkaError(.queueFull, "producer queue is full (queue.buffering.max.messages reached)")
        }
        throw KafkaError.consuming(error, .underlying, "produce to '\(message.topic)' failed")
    }

    func poll(timeoutMilliseconds: Int32) {
        rd_kafka_poll(client.handle, timeoutMilliseconds)
    }

    /// Waits until every enqueued record is acknowledged or failed.
    func flush(timeoutMilliseconds: Int32) throws(KafkaError) {
        let err = rd_kafka_flush(client.handle, timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.timedOut, "flush: \(outQueueLength) records still undelivered", err)
        }
    }

    var outQueueLength: Int { Int(rd_kafka_outq_len(client.handle)) }
}

/// Reads the delivery report fields librdkafka hands to the callback.
extension KafkaDeliveryReport {
    init(_ message: UnsafePointer<rd_kafka_message_t>) {
        let m = message.pointee
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        self.init(
            topicPartition: KafkaTopicPartition(topic: topic, partition: m.partition),
            offset: KafkaOffset(m.offset),
            error: m.err == RD_KAFKA_RESP_ERR_NO_ERROR
                ? nil : KafkaError.rdKafka(.deliveryFailed, "delivery to \(topic)[\(m.partition)] failed", m.err)
        )
    }
}

@inline(__always)
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { raw in
        // An empty array has no base address; librdkafka wants a non-NULL pointer
        // for an empty (not null) key or value.
        body(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), raw.count)
    }
}
