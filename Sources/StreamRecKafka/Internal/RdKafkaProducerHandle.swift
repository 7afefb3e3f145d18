import CRdKafka
import Synchronization

/// The librdkafka side of a producer: the handle, its topic handles and the
/// `produceva` call.
///
/// `@unchecked Sendable`: `rd_kafka_produceva` and topic-handle creation are
/// thread-safe; the topic-handle cache is behind a `Mutex`.
@usableFromInline
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
        try withOptionalBytes(message.key) { (key) throws(KafkaError) in
            try withOptionalBytes(message.value) { (value) throws(KafkaError) in
                try produce(
                    topic: message.topic, partition: message.partition, key: key, value: value,
                    headers: message.headers, timestampMilliseconds: message.timestampMilliseconds, opaque: opaque)
            }
        }
    }

    /// Enqueues one record from borrowed bytes, which librdkafka copies before returning.
    /// A `nil` key or value is null; an empty buffer is empty.
    @usableFromInline
    func produce(
        topic: String,
        partition: Int32?,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [KafkaHeader],
        timestampMilliseconds: Int64?,
        opaque: UInt
    ) throws(KafkaError) {
        let rkt = topicHandle(topic)
        let headerList = headers.isEmpty ? nil : Self.makeHeaders(headers)
        let error = withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
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
            if let key {
                add(RD_KAFKA_VTYPE_KEY) {
                    $0.u.mem.ptr = Self.pointer(key); $0.u.mem.size = key.count
                }
            }
            if let value {
                add(RD_KAFKA_VTYPE_VALUE) {
                    $0.u.mem.ptr = Self.pointer(value); $0.u.mem.size = value.count
                }
            }
            if let partition {
                add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }
            }
            if let timestampMilliseconds {
                add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestampMilliseconds }
            }
            if let headerList {
                add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headerList }
            }
            if opaque != 0 {
                add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: opaque) }
            }
            return rd_kafka_produceva(client.handle, vus.baseAddress, count)
        }
        guard let error else { return }
        // On failure the headers were not taken over.
        if let headerList { rd_kafka_headers_destroy(headerList) }
        if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            rd_kafka_error_destroy(error)
            throw KafkaError(.queueFull, "producer queue is full (queue.buffering.max.messages reached)")
        }
        if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE {
            throw KafkaError.consuming(
                error, .recordTooLarge,
                "a record of \(value?.count ?? 0) bytes to '\(topic)' is larger than the producer's message.max.bytes")
        }
        throw KafkaError.consuming(error, .underlying, "produce to '\(topic)' failed")
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer {
        let list = rd_kafka_headers_new(headers.count)!
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { _ = rd_kafka_header_add(list, header.key, -1, $0.baseAddress, $0.count) }
            } else {
                rd_kafka_header_add(list, header.key, -1, nil, 0)
            }
        }
        return list
    }

    /// librdkafka treats a NULL pointer as a null key or value, so an empty
    /// buffer (which may have no base address) needs a real one.
    private static func pointer(_ buffer: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafeRawPointer(emptyBytePointer))
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
func withOptionalBytes<R>(
    _ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws(KafkaError) -> R
) throws(KafkaError) -> R {
    guard let bytes else { return try body(nil) }
    let result: Result<R, KafkaError> = bytes.withUnsafeBytes { raw in Result { () throws(KafkaError) in try body(raw) }
    }
    return try result.get()
}

/// One readable byte that stands in for the address of an empty key or value.
/// `nonisolated(unsafe)`: written once here, only ever read (and never through) after.
nonisolated(unsafe) private let emptyBytePointer: UnsafeRawPointer = {
    let byte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    byte.storeBytes(of: 0, as: UInt8.self)
    return UnsafeRawPointer(byte)
}()
