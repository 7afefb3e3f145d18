import StreamRecCore
import StreamRecHTTP
import Synchronization

/// A backend with known answers, for the router tests: they test the HTTP layer
/// (routes, statuses, shapes, tokens), not the engine behind it.
final class FixedBackend: APIBackend, EngineBackend {
    let lists: [String: [Recommendation.Item]]
    let popular: [ScoredItem]
    let notReady: String?
    let decoder = EventDecoder()
    let sent = Mutex<[Event]>([])
    let hasEngine: Bool

    init(
        lists: [String: [Recommendation.Item]] = [
            "u1": [.init(itemID: "a", score: 1), .init(itemID: "b", score: 0.5)]
        ],
        popular: [ScoredItem] = [.init(itemID: "p", score: 9, events: 9), .init(itemID: "q", score: 4, events: 4)],
        notReady: String? = nil, hasEngine: Bool = true
    ) {
        self.lists = lists
        self.popular = popular
        self.notReady = notReady
        self.hasEngine = hasEngine
    }

    var engine: (any EngineBackend)? { hasEngine ? self : nil }

    func recommendations(for user: String, count: Int) async throws -> ServedRecommendations? {
        if let list = lists[user] {
            return ServedRecommendations(userID: user, items: Array(list.prefix(count)), cold: false)
        }
        guard hasEngine else { return nil }
        return ServedRecommendations(
            userID: user, items: popular.prefix(count).map { .init(itemID: $0.itemID, score: $0.score) }, cold: true)
    }

    func notReadyReason() async -> String? { notReady }

    func stats() async -> APIStats {
        var stats = APIStats(role: hasEngine ? "engine" : "serve")
        stats.eventsApplied = sent.withLock { $0.count }
        return stats
    }

    func similarItems(to item: String, count: Int) async throws -> [ScoredItem]? {
        item == "a" ? [ScoredItem(itemID: "b", score: 0.7, events: 3)] : nil
    }

    func popularItems(count: Int, trending: Bool) async throws -> [ScoredItem] {
        trending ? [] : Array(popular.prefix(count))
    }

    func userFeatures(_ user: String) async throws -> UserFeatures? {
        guard lists[user] != nil else { return nil }
        var store = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
        _ = store.apply(Event(userID: user, itemID: "a", type: "view", timestampMilliseconds: 1_700_000_000_000))
        return store.userFeatures(user)
    }

    func send(_ events: [Event]) async throws {
        sent.withLock { $0 += events }
    }
}
