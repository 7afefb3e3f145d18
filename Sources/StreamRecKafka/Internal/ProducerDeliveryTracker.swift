import CRdKafka
import Logging
import Synchronization

/// Counts delivery reports and completes the senders that wait for one.
///
/// Runs on librdkafka's delivery-report path, so the common case (nobody waits
/// for this record) is two atomic operations and nothing else.
final class ProducerDeliveryTracker: Sendable {
    private let delivered = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let nextID = Atomic<UInt>(1)
    private let waiters = Mutex<[UInt: CheckedContinuation<KafkaDeliveryReport, Never>]>([:])
    private let handler: (@Sendable (KafkaDeliveryReport) -> Void)?
    private let logger: Logger

    init(logger: Logger, handler: (@Sendable (KafkaDeliveryReport) -> Void)?) {
        self.logger = logger
        self.handler = handler
    }

    var deliveredCount: Int { delivered.load(ordering: .relaxed) }
    var failedCount: Int { failed.load(ordering: .relaxed) }

    /// An id for a record whose report someone awaits; never 0.
    func makeID() -> UInt {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    func register(_ id: UInt, _ continuation: CheckedContinuation<KafkaDeliveryReport, Never>) {
        waiters.withLock { $0[id] = continuation }
    }

    func unregister(_ id: UInt) -> CheckedContinuation<KafkaDeliveryReport, Never>? {
        waiters.withLock { $0.removeValue(forKey: id) }
    }

    func onDelivery(_ message: UnsafePointer<rd_kafka_message_t>) {
        let ok = message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR
        if ok {
            delivered.wrappingAdd(1, ordering: .relaxed)
        } else {
            let count = failed.wrappingAdd(1, ordering: .relaxed).newValue
            // A broken cluster fails every record; the first few say why.
            if count <= 5 {
                logger.error("\(KafkaDeliveryReport(message).error?.description ?? "delivery failed")")
            }
        }
        let id = UInt(bitPattern: message.pointee._private)
        let waiter = id == 0 ? nil : unregister(id)
        guard waiter != nil || handler != nil else { return }
        let report = KafkaDeliveryReport(message)
        waiter?.resume(returning: report)
        handler?(report)
    }
}
