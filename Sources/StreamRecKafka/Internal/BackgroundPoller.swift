import Foundation
import Synchronization

/// A dedicated thread that calls `body` until stopped. librdkafka's `poll` blocks
/// up to its timeout, so it gets a thread of its own rather than a pool thread.
final class BackgroundPoller: Sendable {
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        self.body = body
        // The thread holds the poller until `stop()`; owners call it from their deinit.
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) { self.body() }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    private let body: @Sendable () -> Void

    /// Stops the loop and waits for its current iteration to end. Idempotent.
    func stop() {
        if running.exchange(false, ordering: .relaxed) {
            finished.wait()
        }
    }
}
