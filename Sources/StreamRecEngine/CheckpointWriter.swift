import Foundation
import StreamRecCore
import Synchronization

/// Encodes and writes checkpoints on a thread of its own, one at a time.
///
/// Encoding, checksumming and fsyncing a large state takes long enough (a
/// hundred milliseconds and more) to show in every update's latency if the event
/// loop did it. The loop hands over a copy of its state instead: the state is made
/// of value types, so the copy is copy-on-write and costs nothing until the loop
/// next mutates an array the writer still reads, which then is copied once.
final class CheckpointWriter: Sendable {
    /// What to write besides the state.
    struct Job: Sendable {
        var topic: String
        var modelName: String
        var writtenAt: Int64
        /// The user store's generation the state goes with.
        var storeGeneration: UInt64
        /// Why, for the log.
        var reason: String
        /// Whether a failed write holds the loop (an interval checkpoint, retried
        /// later) rather than failing it (the final or a revocation checkpoint).
        var holdsOnFailure = false
    }

    /// What one write did, for the loop to act on (commit the offsets, or fail).
    struct Outcome: Sendable {
        var job: Job
        var offsets: [Int32: Int64]
        var eventsApplied: Int64
        var bytes = 0
        var encodeNanoseconds: UInt64 = 0
        var writeNanoseconds: UInt64 = 0
        var error: EngineError?
    }

    private let store: CheckpointStore
    private let finished = Mutex<Outcome?>(nil)
    private let running = Atomic<Bool>(false)
    private let completion = DispatchSemaphore(value: 0)

    init(store: CheckpointStore) {
        self.store = store
    }

    /// Whether a write is in progress.
    var isBusy: Bool { running.load(ordering: .acquiring) }

    /// Starts writing `state` on a new thread. At most one write runs: call only
    /// when not ``isBusy``.
    func start(_ state: EngineState, _ job: Job) {
        precondition(!isBusy, "a checkpoint is already being written")
        running.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            let outcome = Self.write(state, job, to: store)
            finished.withLock { $0 = outcome }
            running.store(false, ordering: .releasing)
            completion.signal()
        }
        thread.name = "streamrec-checkpoint"
        thread.start()
    }

    /// The outcome of a finished write not yet taken; nil while one runs or when
    /// none has finished. Only the loop thread takes outcomes.
    func takeFinished() -> Outcome? {
        guard !isBusy, let outcome = finished.withLock({ $0.take() }) else { return nil }
        completion.wait()  // the write's signal: it follows the outcome at once
        return outcome
    }

    /// Waits for the write in progress, if any, and returns its outcome.
    func waitForCompletion() -> Outcome? {
        guard isBusy else { return takeFinished() }
        completion.wait()
        return finished.withLock { $0.take() }
    }

    /// Encodes and writes on the calling thread.
    static func write(_ state: EngineState, _ job: Job, to store: CheckpointStore) -> Outcome {
        var outcome = Outcome(job: job, offsets: state.offsets, eventsApplied: state.eventsApplied)
        let started = MonotonicClock.nanoseconds()
        let parts = state.checkpoint(
            topic: job.topic, modelName: job.modelName, writtenAt: job.writtenAt, storeGeneration: job.storeGeneration
        ).encodedParts()
        let encoded = MonotonicClock.nanoseconds()
        outcome.bytes = parts.reduce(0) { $0 + $1.count }
        outcome.encodeNanoseconds = encoded - started
        do {
            try store.write(parts: parts)
        } catch {
            outcome.error = error
        }
        outcome.writeNanoseconds = MonotonicClock.nanoseconds() - encoded
        return outcome
    }
}
