import Foundation
import Hummingbird
import ServiceLifecycle
import StreamRecCore

/// The routes every backend answers: recommendations (also as a live stream),
/// the classic `POST /recommend`, readiness.
struct APIRoutes: Sendable {
    let backend: any APIBackend
    let settings: APISettings

    func ready() async throws -> HealthBody {
        if let reason = await backend.notReadyReason() { throw APIError(.serviceUnavailable, "not_ready", reason) }
        return HealthBody(status: "ready")
    }

    func recommendations(_ request: Request, _ context: some RequestContext) async throws -> UserRecommendationsBody {
        let user = try id(context, field: "user_id")
        let count = try self.count(request)
        guard let served = try await backend.recommendations(for: user, count: count) else {
            throw APIError.notFound("no recommendations for user '\(user)' on the topic yet")
        }
        return UserRecommendationsBody(served)
    }

    /// The classic batch service's call: `{"user_id", "top_n"}` in,
    /// `{"user_id", "recommendations": [{"item_id", "score"}]}` out.
    func classicRecommend(_ request: Request, _ context: some RequestContext) async throws -> ClassicRecommendBody {
        var request = request
        let body = try await request.collectBody(upTo: settings.maxBodyBytes)
        let asked: ClassicRecommendRequest
        do {
            asked = try JSONDecoder().decode(ClassicRecommendRequest.self, from: Data(buffer: body))
        } catch {
            throw APIError.badRequest(#"expected a JSON object {"user_id": string, "top_n": integer (optional)}"#)
        }
        try check(asked.userID, field: "user_id")
        let count = try checkCount(asked.topN ?? settings.defaultCount, name: "top_n")
        guard let served = try await backend.recommendations(for: asked.userID, count: count) else {
            throw APIError.notFound("no recommendations for user '\(asked.userID)' on the topic yet")
        }
        return ClassicRecommendBody(
            userID: served.userID,
            recommendations: served.items.map { ScoredItemBody(itemID: $0.itemID, score: $0.score) })
    }

    /// Server-Sent Events: the user's list now, then again whenever it changes
    /// (checked every `interval_ms`, default 1000), and a comment every 15 s to
    /// keep proxies from closing the stream. Each event is the body of
    /// `GET /v1/users/{id}/recommendations`. The stream ends when the server
    /// shuts down, so an open dashboard never holds up a stop.
    func recommendationStream(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let user = try id(context, field: "user_id")
        let count = try self.count(request)
        let interval = request.uri.queryParameters.get("interval_ms", as: Int.self) ?? 1_000
        guard (100...60_000).contains(interval) else {
            throw APIError.badRequest("interval_ms must be between 100 and 60000")
        }
        let backend = backend
        let body = ResponseBody { writer in
            var last: ServedRecommendations?
            var quietSince = ContinuousClock.now
            let encoder = APIJSON.encoder
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                let now = try await backend.recommendations(for: user, count: count)
                if let now, now.items != last?.items || now.cold != last?.cold {
                    let json = try encoder.encode(UserRecommendationsBody(now))
                    try await writer.write(ByteBuffer(string: "event: recommendations\ndata: "))
                    try await writer.write(ByteBuffer(bytes: json))
                    try await writer.write(ByteBuffer(string: "\n\n"))
                    last = now
                    quietSince = .now
                } else if ContinuousClock.now - quietSince > .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    quietSince = .now
                }
                try await Task.sleep(for: .milliseconds(interval))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }

    // MARK: Input checks

    /// The `:id` path parameter, checked as an event's id is.
    func id(_ context: some RequestContext, field: String) throws -> String {
        guard let id = context.parameters.get("id") else { throw APIError.badRequest("the path needs an id") }
        try check(id, field: field)
        return id
    }

    func check(_ id: String, field: String) throws {
        do {
            try settings.schema.validateID(id, field: field)
        } catch {
            throw APIError(.badRequest, error.reason.code, error.description)
        }
    }

    /// The `n` query parameter, or the default.
    func count(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("n") else { return settings.defaultCount }
        guard let n = Int(text) else { throw APIError.badRequest("n must be an integer, got '\(text)'") }
        return try checkCount(n, name: "n")
    }

    func checkCount(_ n: Int, name: String) throws -> Int {
        guard (1...settings.maxCount).contains(n) else {
            throw APIError.badRequest("\(name) must be between 1 and \(settings.maxCount), got \(n)")
        }
        return n
    }
}
