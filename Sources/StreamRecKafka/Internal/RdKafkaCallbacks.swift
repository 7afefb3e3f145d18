import CRdKafka
import Logging
import Synchronization

/// The Swift side of librdkafka's callbacks. librdkafka reaches it through the
/// handle's opaque pointer; ``RdKafkaClient`` keeps it alive for as long as the
/// handle exists.
///
/// `@unchecked Sendable`: the handlers are set once before the handle is created
/// and never changed; the only mutable state is behind a `Mutex`.
final class RdKafkaCallbacks: @unchecked Sendable {
    let logger: Logger
    private let lastError = Mutex<String?>(nil)
    private let resets = Atomic<Int>(0)

    /// Counts every delivery report, on whichever thread polls the producer.
    /// A `let`, so that the per-record callback reads it without retaining it.
    let deliveryTracker: ProducerDeliveryTracker?
    /// Called for every rebalance, on the thread polling the consumer; it must
    /// (incrementally) assign or unassign before returning.
    var onRebalance:
        ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?
    /// Called for client-level errors after they are logged.
    var onError: ((KafkaError) -> Void)?

    /// The level of librdkafka's own errors and log lines, at most: `.debug` for a
    /// client whose failures reach its caller as thrown errors carrying the last
    /// error text (the admin client), so that a person sees one clear message
    /// instead of every reconnect attempt.
    let loudest: Logger.Level

    init(logger: Logger, deliveryTracker: ProducerDeliveryTracker? = nil, loudest: Logger.Level = .critical) {
        self.logger = logger
        self.deliveryTracker = deliveryTracker
        self.loudest = loudest
    }

    private func capped(_ level: Logger.Level) -> Logger.Level { min(level, loudest) }

    /// Times a consumer's position was not on the broker any more and librdkafka
    /// moved it to `auto.offset.reset`, skipping records.
    var offsetResets: Int { resets.load(ordering: .relaxed) }

    /// Whether an `OFFSET` log line is librdkafka resetting a position the broker
    /// no longer holds ("offset reset … offset not available on the broker"), as
    /// opposed to starting a partition that has no committed offset.
    static func isLostPosition(_ text: String) -> Bool {
        text.contains("offset reset") && (text.contains("not available") || text.contains("out of range"))
    }

    /// The most recent client-level error text, e.g. why a broker is unreachable.
    var lastErrorText: String? { lastError.withLock { $0 } }

    func recordError(_ err: rd_kafka_resp_err_t, _ reason: String) {
        lastError.withLock { $0 = reason }
        let error = KafkaError.rdKafka(.underlying, reason, err)
        // Transport errors repeat every reconnect attempt; they are warnings until
        // the caller's own timeout turns them into a failure.
        logger.log(
            level: capped(.warning), "librdkafka: \(reason)", metadata: ["code": "\(error.rdKafkaName ?? "")"])
        onError?(error)
    }

    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let box = RdKafkaCallbacks.from(rk) else { return }
            let text = message.map { String(cString: $0) } ?? ""
            let fac = facility.map { String(cString: $0) } ?? ""
            if fac == "OFFSET", RdKafkaCallbacks.isLostPosition(text) {
                box.resets.add(1, ordering: .relaxed)
                box.logger.error(
                    """
                    librdkafka \(fac): \(text). The records between the position asked for and where consumption \
                    restarts are no longer on the broker (its retention; on the embedded broker, about 5 MiB per \
                    partition) and are skipped
                    """)
                return
            }
            box.logger.log(level: box.capped(RdKafkaCallbacks.logLevel(level)), "librdkafka \(fac): \(text)")
        }
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, _ in
            guard let rk, let box = RdKafkaCallbacks.from(rk) else { return }
            box.recordError(rd_kafka_resp_err_t(err), reason.map { String(cString: $0) } ?? "")
        }
        if deliveryTracker != nil {
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                // Once per record: borrow the callbacks object rather than retain it.
                guard let message, let opaque else { return }
                Unmanaged<RdKafkaCallbacks>.fromOpaque(opaque)._withUnsafeGuaranteedRef {
                    $0.deliveryTracker?.onDelivery(message)
                }
            }
        }
        if onRebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, _ in
                guard let rk, let partitions, let box = RdKafkaCallbacks.from(rk) else { return }
                box.onRebalance?(rk, err, partitions)
            }
        }
    }

    static func from(_ rk: OpaquePointer) -> RdKafkaCallbacks? {
        guard let opaque = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<RdKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// syslog levels, as librdkafka uses them, to swift-log levels.
    static func logLevel(_ syslog: Int32) -> Logger.Level {
        switch syslog {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}
