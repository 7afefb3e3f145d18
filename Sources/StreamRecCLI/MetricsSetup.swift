import Metrics
import Prometheus
import StreamRecEngine

/// The process's metrics backend: swift-metrics into a Prometheus registry that
/// the HTTP API renders at `/metrics`. Bootstrapped once, before any command runs.
enum MetricsSetup {
    static let registry = PrometheusCollectorRegistry()

    static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Batches and the event-to-publish latency live in milliseconds: the
        // default buckets start at 5 ms.
        let fine: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500),
            .seconds(1), .seconds(2), .seconds(5),
        ]
        factory.durationHistogramBuckets = [
            EngineMetrics.batchSeconds: fine, EngineMetrics.eventToPublishSeconds: fine,
            EngineMetrics.itemShareStalenessSeconds: fine,
        ]
        MetricsSystem.bootstrap(factory)
    }
}
