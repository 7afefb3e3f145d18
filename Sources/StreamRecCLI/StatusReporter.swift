import ServiceLifecycle
import StreamRecEngine

/// Reports the engine's counters every `interval` until graceful shutdown.
struct StatusReporter: Service {
    let engine: StreamingEngine
    let interval: Duration
    let report: @Sendable (EngineStatistics) -> Void

    func run() async {
        // Shutdown cancels the sleep; the reporter then just ends.
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                report(engine.statistics)
            }
        }
    }
}
