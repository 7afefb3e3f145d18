import Foundation
import ServiceLifecycle

/// Bounds a graceful shutdown: once one starts, the process exits with status 1
/// if it is still running after `timeout`. librdkafka calls cannot be
/// interrupted, so a stuck close would otherwise hang the process forever; the
/// last checkpoint is intact, so the next start resumes from it.
struct ShutdownWatchdog: Service {
    let timeout: Duration

    func run() async throws {
        // Returns when graceful shutdown starts, or the group is cancelled.
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        let timeout = timeout
        let thread = Thread {
            Thread.sleep(
                forTimeInterval: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
            printError("error: shutdown did not finish within \(timeout); exiting. The last checkpoint is intact.")
            exit(1)
        }
        thread.name = "streamrec-shutdown-watchdog"
        thread.start()
    }
}
