import Foundation
import Hummingbird
import StreamRecCore

/// `{"item_id", "score"}`, the shape of every list item.
struct ScoredItemBody: Codable, Sendable {
    var itemID: String
    var score: Double

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case score
    }
}

/// `GET /v1/users/{id}/recommendations`.
struct UserRecommendationsBody: ResponseEncodable, Sendable {
    var userID: String
    var recommendations: [ScoredItemBody]
    var cold: Bool
    var basedOn: BasedOnBody?
    var generatedAt: String?

    struct BasedOnBody: Codable, Sendable {
        var partition: Int32
        var offset: Int64
        var eventTime: String

        enum CodingKeys: String, CodingKey {
            case partition, offset
            case eventTime = "event_time"
        }
    }

    init(_ served: ServedRecommendations) {
        userID = served.userID
        recommendations = served.items.map { ScoredItemBody(itemID: $0.itemID, score: $0.score) }
        cold = served.cold
        basedOn = served.basedOn.map {
            BasedOnBody(partition: $0.partition, offset: $0.offset, eventTime: RFC3339.format($0.eventTime))
        }
        generatedAt = served.generatedAt.map(RFC3339.format)
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case recommendations, cold
        case basedOn = "based_on"
        case generatedAt = "generated_at"
    }
}

/// `POST /recommend`'s answer: exactly the classic Flask service's shape.
struct ClassicRecommendBody: ResponseEncodable, Sendable {
    var userID: String
    var recommendations: [ScoredItemBody]

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case recommendations
    }
}

/// `POST /recommend`'s request.
struct ClassicRecommendRequest: Decodable, Sendable {
    var userID: String
    var topN: Int?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case topN = "top_n"
    }
}

/// `GET /v1/items/{id}/similar` and `GET /v1/items/popular`.
struct ItemListBody: ResponseEncodable, Sendable {
    var itemID: String?
    var trending: Bool?
    var items: [ScoredItemBody]

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case trending, items
    }
}

/// `POST /v1/events`: 202 with counts.
struct EventsAcceptedBody: ResponseEncodable, Sendable {
    var accepted: Int
    var topic: String
}

/// `POST /v1/events`: 400 with each rejected event.
struct EventsRejectedBody: ResponseEncodable, Sendable {
    var error = "invalid_events"
    var detail: String
    var rejected: [Rejection]

    struct Rejection: Codable, Sendable {
        var index: Int
        var reason: String
        var detail: String
    }
}

/// `GET /healthz`, `GET /readyz`.
struct HealthBody: ResponseEncodable, Sendable {
    var status: String
}

extension APIStats: ResponseEncodable {}
