import Foundation
import ServiceLifecycle
import StreamRecEngine

/// Runs the streaming engine inside a service group: SIGINT/SIGTERM ask it to
/// finish (batch, pending refreshes, checkpoint, commit, close). If that takes
/// longer than `shutdownTimeout`, the process exits with status 1: the last
/// checkpoint is intact, so the next start resumes from it.
struct EngineService: Service {
    let engine: StreamingEngine
    let shutdownTimeout: Duration
    /// Called every `statusInterval` with the engine's counters, while it runs.
    let statusInterval: Duration?
    let onStatus: @Sendable (EngineStatistics) -> Void

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await engine.runOnDedicatedThread() }
                if let statusInterval {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: statusInterval)
                            onStatus(engine.statistics)
                        }
                    }
                }
                // The engine finishing (or failing) ends the status reports too.
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            engine.requestStop()
            Self.startWatchdog(timeout: shutdownTimeout)
        }
    }

    /// Bounds the shutdown: librdkafka calls cannot be interrupted, so a stuck
    /// close would otherwise hang the process forever.
    private static func startWatchdog(timeout: Duration) {
        let thread = Thread {
            Thread.sleep(forTimeInterval: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
            printError("error: shutdown did not finish within \(timeout); exiting. The last checkpoint is intact.")
            exit(1)
        }
        thread.name = "streamrec-shutdown-watchdog"
        thread.start()
    }
}
