import StreamRecKafka

extension EngineLoop {
    /// Runs `body` (the wait in `poll`) with the gate open to reads.
    func outsideGate<T>(_ body: () throws(KafkaError) -> T) throws(KafkaError) -> T {
        holdsGate = false
        control.gate.unlock()
        defer {
            control.gate.lockForWriting()
            holdsGate = true
        }
        return try body()
    }

    /// Runs `body`, which changes the state, with the gate closed to reads. The
    /// rebalance callbacks run inside `poll`, where the gate is open, and inside
    /// `close`, where this thread holds it already.
    func holdingGate<T>(_ body: () -> T) -> T {
        if holdsGate { return body() }
        control.gate.lockForWriting()
        holdsGate = true
        defer {
            holdsGate = false
            control.gate.unlock()
        }
        return body()
    }
}
