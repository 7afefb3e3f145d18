import ServiceLifecycle
import StreamRecEngine

/// Reports the engine's counters every `interval` until graceful shutdown.
struct StatusReporter: Service {
    let engine: StreamingEngine
    let interval: Duration
    let report: @Sendable (EngineStatistics) -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                report(engine.statistics)
            }
        }
    }
}
