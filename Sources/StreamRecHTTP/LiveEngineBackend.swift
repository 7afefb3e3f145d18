import StreamRecCore
import StreamRecEngine
import StreamRecKafka

/// The HTTP API over a running ``StreamingEngine``: rankings from its live
/// state, and events produced to its events topic.
package struct LiveEngineBackend: APIBackend, EngineBackend {
    let streaming: StreamingEngine
    /// Sends `POST /v1/events`' events; checks that Kafka answers for `/readyz`.
    let producer: KafkaProducer
    let eventsTopic: String
    package let decoder: EventDecoder
    private let encoder = EventEncoder()

    package init(engine: StreamingEngine, producer: KafkaProducer, configuration: StreamRecConfiguration) {
        streaming = engine
        self.producer = producer
        eventsTopic = configuration.topics.events
        decoder = EventDecoder(schema: configuration.events)
    }

    package var engine: (any EngineBackend)? { self }

    package func recommendations(for user: String, count: Int) async throws -> ServedRecommendations? {
        let live = try await streaming.recommendations(for: user, count: count)
        return ServedRecommendations(userID: live.userID, items: live.items, cold: live.cold)
    }

    package func notReadyReason() async -> String? {
        let statistics = streaming.statistics
        guard statistics.phase == .processing else {
            return switch statistics.phase {
            case .starting: "the engine is joining its consumer group"
            case .rebalancing: "partitions are being assigned or restored"
            case .held:
                "checkpoints cannot be written (\(statistics.checkpointFailure ?? "state directory")): consumption is paused"
            case .stopping, .stopped: "the engine is stopping"
            case .processing: nil
            }
        }
        do {
            _ = try await producer.metadata(timeout: .seconds(2))
        } catch {
            return "Kafka does not answer: \(error)"
        }
        return nil
    }

    package func stats() async -> APIStats {
        let statistics = streaming.statistics
        var stats = APIStats(role: "engine")
        stats.eventsConsumed = statistics.recordsConsumed
        stats.eventsApplied = statistics.eventsApplied
        stats.deadLetters = statistics.rejected.values.reduce(0, +)
        stats.updatesPublished = statistics.recommendationsPublished
        stats.consumerLag = statistics.consumerLag.values.reduce(0, +)
        stats.usersInMemory = statistics.usersInMemory
        stats.usersOnDisk = statistics.usersOnDisk
        stats.liveHitRate = statistics.liveHitRate
        stats.liveRecallAt10 = statistics.liveRecall
        stats.eventToPublishP50Ms = statistics.eventToPublishP50Milliseconds
        stats.eventToPublishP99Ms = statistics.eventToPublishP99Milliseconds
        stats.checkpoints = statistics.checkpoints
        stats.sharingItemState = statistics.sharingItemState
        stats.itemEventsShared = statistics.itemEventsShared
        stats.itemEventsApplied = statistics.itemEventsApplied
        stats.itemStalenessP50Ms = statistics.itemStalenessP50Milliseconds
        stats.itemStalenessP99Ms = statistics.itemStalenessP99Milliseconds
        return stats
    }

    package func similarItems(to item: String, count: Int) async throws -> [ScoredItem]? {
        try await streaming.similarItems(to: item, count: count)
    }

    package func popularItems(count: Int, trending: Bool) async throws -> [ScoredItem] {
        try await streaming.popularItems(count: count, trending: trending)
    }

    package func userFeatures(_ user: String) async throws -> UserFeatures? {
        try await streaming.userFeatures(user)
    }

    package func send(_ events: [Event]) async throws {
        let topic = eventsTopic
        let producer = producer
        let encoder = encoder
        try await withThrowingTaskGroup(of: Void.self) { group in
            for event in events {
                let message = KafkaProducerMessage(
                    topic: topic, key: Array(event.userID.utf8), value: encoder.encode(event),
                    timestampMilliseconds: event.timestampMilliseconds)
                group.addTask { try await producer.sendAndAwaitDelivery(message) }
            }
            try await group.waitForAll()
        }
    }
}
