import StreamRecCore
import StreamRecKafka

/// Hands librdkafka's rebalance callbacks to the loop. The consumer needs its
/// listener before the loop that owns the consumer exists, so the listener
/// reaches the loop through this relay, filled in right after.
final class RebalanceRelay {
    weak var loop: EngineLoop?

    /// A listener whose callbacks run the loop's rebalance handling.
    func listener() -> KafkaRebalanceListener {
        // librdkafka runs the callbacks inside `poll`, on the loop's own thread:
        // the loop is never reached from two threads. They change the state, so
        // they close the gate to HTTP reads, which `poll` leaves open.
        let relay = UnsafeTransfer(self)
        return KafkaRebalanceListener(
            onAssigned: { partitions in
                guard let loop = relay.wrappedValue.loop else { return [:] }
                return loop.holdingGate { loop.partitionsAssigned(partitions) }
            },
            onRevoked: { partitions in
                guard let loop = relay.wrappedValue.loop else { return }
                loop.holdingGate { loop.partitionsRevoked(partitions) }
            })
    }
}
