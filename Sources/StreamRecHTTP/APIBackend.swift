import Foundation
import StreamRecCore

/// What the HTTP API answers from. `streamrec run` answers from the live engine
/// (every capability); `streamrec serve` from the recommendations topic
/// (recommendations and health only). A capability a backend lacks has no routes.
package protocol APIBackend: Sendable {
    /// A user's top `count`: nil for a user this backend knows nothing of and
    /// cannot give popular items for (`serve`).
    func recommendations(for user: String, count: Int) async throws -> ServedRecommendations?
    /// Why the backend cannot serve yet, or nil when it can.
    func notReadyReason() async -> String?
    /// Figures for `GET /v1/stats` and the dashboard.
    func stats() async -> APIStats
    /// Item, feature and event routes: only the live engine has them.
    var engine: (any EngineBackend)? { get }
}

/// The live engine's extra capabilities.
package protocol EngineBackend: Sendable {
    func similarItems(to item: String, count: Int) async throws -> [ScoredItem]?
    func popularItems(count: Int, trending: Bool) async throws -> [ScoredItem]
    func userFeatures(_ user: String) async throws -> UserFeatures?
    /// Validates events as the engine's decoder does.
    var decoder: EventDecoder { get }
    /// Produces valid events to the events topic, keyed by user; returns once
    /// the broker has them.
    func send(_ events: [Event]) async throws
}

/// A user's list, as either backend has it.
package struct ServedRecommendations: Sendable, Equatable {
    package var userID: String
    package var items: [Recommendation.Item]
    /// Popular items for a user the engine holds nothing of.
    package var cold: Bool
    /// What the list reflects: the newest event behind it (from the topic), or now.
    package var basedOn: Recommendation.Source?
    package var generatedAt: Int64?

    package init(
        userID: String, items: [Recommendation.Item], cold: Bool, basedOn: Recommendation.Source? = nil,
        generatedAt: Int64? = nil
    ) {
        self.userID = userID
        self.items = items
        self.cold = cold
        self.basedOn = basedOn
        self.generatedAt = generatedAt
    }
}

/// Figures a backend reports for the dashboard, all optional: each backend
/// fills what it knows.
package struct APIStats: Sendable, Equatable, Codable {
    package var role: String
    /// The server's wall clock, epoch milliseconds: rates are taken over it.
    package var timeMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
    package var eventsConsumed: Int?
    package var eventsApplied: Int?
    package var deadLetters: Int?
    package var updatesPublished: Int?
    package var consumerLag: Int64?
    package var usersInMemory: Int?
    package var usersOnDisk: Int?
    package var liveHitRate: Double?
    package var liveRecallAt10: Double?
    package var eventToPublishP50Ms: Double?
    package var eventToPublishP99Ms: Double?
    package var checkpoints: Int?
    /// Item state shared with other instances (`engine.share_item_state`): whether
    /// now, events published and applied, and the staleness of others' items.
    package var sharingItemState: Bool?
    package var itemEventsShared: Int?
    package var itemEventsApplied: Int?
    package var itemStalenessP50Ms: Double?
    package var itemStalenessP99Ms: Double?
    /// `serve`: users in its table, and records of the topic not read yet.
    package var usersServed: Int?
    package var topicLag: Int64?

    package init(role: String) {
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case role
        case timeMilliseconds = "time_ms"
        case eventsConsumed = "events_consumed"
        case eventsApplied = "events_applied"
        case deadLetters = "dead_letters"
        case updatesPublished = "updates_published"
        case consumerLag = "consumer_lag"
        case usersInMemory = "users_in_memory"
        case usersOnDisk = "users_on_disk"
        case liveHitRate = "live_hit_rate"
        case liveRecallAt10 = "live_recall_at_10"
        case eventToPublishP50Ms = "event_to_publish_p50_ms"
        case eventToPublishP99Ms = "event_to_publish_p99_ms"
        case checkpoints
        case sharingItemState = "sharing_item_state"
        case itemEventsShared = "item_events_shared"
        case itemEventsApplied = "item_events_applied"
        case itemStalenessP50Ms = "item_staleness_p50_ms"
        case itemStalenessP99Ms = "item_staleness_p99_ms"
        case usersServed = "users_served"
        case topicLag = "topic_lag"
    }
}
