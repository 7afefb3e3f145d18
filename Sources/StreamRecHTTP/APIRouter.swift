import Foundation
import Hummingbird
import Prometheus
import StreamRecCore

/// Builds the HTTP API's router: every route, the JSON error shape and the
/// bearer tokens. Routes of capabilities the backend lacks are not added, so
/// they answer 404 like any unknown path.
package enum APIRouter {
    package typealias Context = APIRequestContext

    /// - Parameter metrics: the registry `GET /metrics` renders; nil for no route.
    package static func make(
        backend: any APIBackend, settings: APISettings, metrics: PrometheusCollectorRegistry?
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BearerTokenMiddleware(writeToken: settings.writeToken, readToken: settings.readToken))
        let routes = APIRoutes(backend: backend, settings: settings)
        router.get("/healthz") { _, _ in HealthBody(status: "ok") }
        router.get("/readyz") { _, _ in try await routes.ready() }
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
        router.get("/v1/stats") { _, _ in await backend.stats() }
        router.get("/v1/users/:id/recommendations") { request, context in
            try await routes.recommendations(request, context)
        }
        router.get("/v1/users/:id/recommendations/stream") { request, context in
            try await routes.recommendationStream(request, context)
        }
        router.post("/recommend") { request, context in try await routes.classicRecommend(request, context) }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        if let engine = backend.engine {
            let engineRoutes = EngineRoutes(engine: engine, routes: routes)
            router.get("/v1/items/popular") { request, _ in try await engineRoutes.popular(request) }
            router.get("/v1/items/:id/similar") { request, context in try await engineRoutes.similar(request, context) }
            router.get("/v1/users/:id/features") { _, context in try await engineRoutes.features(context) }
            router.post("/v1/events") { request, _ in try await engineRoutes.events(request) }
        }
        return router
    }

}
