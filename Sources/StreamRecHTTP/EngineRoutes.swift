import Foundation
import Hummingbird
import StreamRecCore

/// The routes only the live engine answers: items, features, event intake.
struct EngineRoutes: Sendable {
    let engine: any EngineBackend
    let routes: APIRoutes

    func popular(_ request: Request) async throws -> ItemListBody {
        let count = try routes.count(request)
        let trending = try flag(request, "trending")
        let items = try await engine.popularItems(count: count, trending: trending)
        return ItemListBody(trending: trending, items: items.map(Self.body))
    }

    func similar(_ request: Request, _ context: some RequestContext) async throws -> ItemListBody {
        let item = try routes.id(context, field: "item_id")
        let count = try routes.count(request)
        guard let items = try await engine.similarItems(to: item, count: count) else {
            throw APIError.notFound("item '\(item)' has no events in this instance's state")
        }
        return ItemListBody(itemID: item, items: items.map(Self.body))
    }

    func features(_ context: some RequestContext) async throws -> Response {
        let user = try routes.id(context, field: "user_id")
        guard let features = try await engine.userFeatures(user) else {
            throw APIError.notFound("user '\(user)' has no events in this instance's state")
        }
        let json = try JSONSerialization.data(withJSONObject: FeatureJSON.user(features), options: [.sortedKeys])
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// Validates every event as the engine's decoder would; sends them all, or
    /// none when any is invalid (400 naming each by index with its reason code).
    func events(_ request: Request) async throws -> EditedResponse<EventsAcceptedBody> {
        var request = request
        let body = try await request.collectBody(upTo: routes.settings.maxBodyBytes)
        let outcomes: [Result<Event, EventDecodingError>]
        do {
            outcomes = try engine.decoder.decodeList(Array(buffer: body))
        } catch {
            throw APIError(.badRequest, error.reason.code, error.description)
        }
        var events: [Event] = []
        var rejected: [EventsRejectedBody.Rejection] = []
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let event): events.append(event)
            case .failure(let error):
                rejected.append(.init(index: index, reason: error.reason.code, detail: error.description))
            }
        }
        guard rejected.isEmpty else { throw EventsRejected(body: rejectedBody(rejected, of: outcomes.count)) }
        guard !events.isEmpty else { throw APIError.badRequest("the array holds no events") }
        do {
            try await engine.send(events)
        } catch {
            throw APIError.unavailable("the events could not be written to Kafka: \(error)")
        }
        return EditedResponse(
            status: .accepted, response: EventsAcceptedBody(accepted: events.count, topic: routes.settings.eventsTopic))
    }

    private func rejectedBody(_ rejected: [EventsRejectedBody.Rejection], of total: Int) -> EventsRejectedBody {
        EventsRejectedBody(
            detail: "\(rejected.count) of \(total) events are invalid; none was sent", rejected: rejected)
    }

    private func flag(_ request: Request, _ name: String) throws -> Bool {
        switch request.uri.queryParameters.get(name) {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        case let other?: throw APIError.badRequest("\(name) must be true or false, got '\(other)'")
        }
    }

    static func body(_ item: ScoredItem) -> ScoredItemBody {
        ScoredItemBody(itemID: item.itemID, score: item.score)
    }
}

/// 400 with the body of ``EventsRejectedBody``.
struct EventsRejected: Error, HTTPResponseError {
    let body: EventsRejectedBody
    var status: HTTPResponse.Status { .badRequest }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let json = try APIJSON.encoder.encode(body)
        return Response(
            status: .badRequest, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
