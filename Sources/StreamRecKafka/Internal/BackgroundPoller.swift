import Foundation
import Synchronization

/// A dedicated thread that calls `body` until stopped. librdkafka's `poll` blocks
/// up to its timeout, so it gets a thread of its own rather than a pool thread.
final class BackgroundPoller: Sendable {
    private let running = Atomic<Bool>(true)
    private let body: @Sendable () -> Void

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        self.body = body
        // The thread holds the poller (and through `body` the client) until its loop
        // ends, so the client outlives the last poll wherever `stop()` is called from.
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) { self.body() }
        }
        thread.name = name
        thread.start()
    }

    /// Ends the loop after its current iteration. Does not wait: librdkafka has no
    /// way to interrupt a blocked poll, and nothing needs the thread gone sooner.
    func stop() {
        running.store(false, ordering: .relaxed)
    }
}
