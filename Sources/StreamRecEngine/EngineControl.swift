import Synchronization

/// What the public handle and the processing thread share: the stop request one
/// way, the counters the other. Everything else belongs to the thread.
final class EngineControl: Sendable {
    let stopRequested = Atomic<Bool>(false)
    let published = Mutex(EngineStatistics())
}
