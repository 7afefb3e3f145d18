import Foundation
import Hummingbird
import Prometheus
import StreamRecHTTP
import Testing
import Yams

/// `openapi/streamrec.yaml` and the router describe the same routes: a route
/// added to one and not the other fails here.
@Suite struct OpenAPIDocumentTests {
    static let documentPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("openapi/streamrec.yaml").path
    }()

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(
            paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })

        let router = APIRouter.make(
            backend: FixedBackend(), settings: APISettings(), metrics: PrometheusCollectorRegistry())
        let served = Set(
            router.routes.map { route in
                // Hummingbird writes a capture as `:id`; OpenAPI as `{id}`.
                let path = route.path.description.split(separator: "/", omittingEmptySubsequences: false).map {
                    $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
                }.joined(separator: "/")
                return "\(route.method) \(path.isEmpty ? "/" : path)"
            })
        #expect(served.subtracting(documented).sorted() == [], "served but not in openapi/streamrec.yaml")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.count == 12)
    }

    @Test func metricsAreServedInTheTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(
            descriptor: .init(namespace: "streamrec", metricName: "test", unitName: "total", helpText: "")
        ).increment(by: Int64(3))
        let application = Application(
            router: APIRouter.make(backend: FixedBackend(), settings: APISettings(), metrics: registry))
        try await application.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("streamrec_test_total 3"))
            }
        }
    }
}
