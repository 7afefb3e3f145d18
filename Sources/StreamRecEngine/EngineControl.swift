import Synchronization

/// What the public handle and the processing thread share: the stop request and
/// work handed to the thread one way, the counters the other, and the gate that
/// lets HTTP reads in between batches. Everything else belongs to the thread.
final class EngineControl: Sendable {
    let stopRequested = Atomic<Bool>(false)
    let published = Mutex(EngineStatistics())
    let gate = StateGate()
    /// Work only the processing thread may do (bringing a user back from the
    /// store to answer a read), run between batches.
    let handedOff = Mutex<[@Sendable (EngineLoop) -> Void]>([])
    /// Set once the loop has ended: handed-off work is then refused.
    let finished = Atomic<Bool>(false)

    /// Queues `work` for the processing thread; false when the loop has ended.
    func handOff(_ work: @escaping @Sendable (EngineLoop) -> Void) -> Bool {
        handedOff.withLock { queue in
            guard !finished.load(ordering: .acquiring) else { return false }
            queue.append(work)
            return true
        }
    }

    /// The queued work, emptied; once `ending`, no more is accepted.
    func takeHandedOff(ending: Bool = false) -> [@Sendable (EngineLoop) -> Void] {
        handedOff.withLock { queue in
            if ending { finished.store(true, ordering: .releasing) }
            defer { queue.removeAll() }
            return queue
        }
    }
}
