import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Streaming engine: periodic refresh", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories)
struct EnginePeriodicRefreshTests {
    @Test("A quiet user's list is refreshed again once others' events have moved the model on")
    func quietUserRefreshedAfterDrift() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        var configuration = engineConfiguration(prefix: "periodic", model: "popularity")
        configuration.engine.periodicRefreshMilliseconds = 300
        configuration.engine.periodicRefreshDriftEvents = 100
        try createTopics(of: configuration, on: cluster)
        let running = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("periodic"))

        let quiet = Event(userID: "quiet", itemID: "item-0", type: "view", timestampMilliseconds: 1_700_000_000_000)
        try await produce([quiet], to: configuration.topics.events, cluster: cluster)
        #expect(await running.waitForRecords(1))
        let others = generatedEvents(count: 1_000, users: 30, items: 50)
        try await produce(others, to: configuration.topics.events, cluster: cluster)
        #expect(await running.waitForRecords(1 + others.count))

        let updates = try await readAll(
            configuration.topics.recommendations, from: cluster,
            expected: { messages in
                messages.filter { $0.keyString == "quiet" }.count >= 2
            }, timeout: .seconds(30))
        try await running.stop()

        let quietUpdates = try updates.filter { $0.keyString == "quiet" }.map {
            try Recommendation(decoding: #require($0.value))
        }
        #expect(quietUpdates.count >= 2, "the event's update, then at least one periodic one")
        guard quietUpdates.count >= 2 else { return }
        let (first, periodic) = (quietUpdates[0], quietUpdates[1])
        #expect(periodic.basedOn == first.basedOn, "a periodic update repeats the user's newest event")
        #expect(periodic.generatedAt > first.generatedAt, "a round comes at least 300 ms after the event's update")
        #expect(periodic.supersedes(first))
        #expect(!first.supersedes(periodic))
        #expect(
            periodic.items.map(\.itemID) != first.items.map(\.itemID),
            "the list moved with the popularity of others' items")
        #expect(running.engine.statistics.periodicRefreshes > 0)
    }
}
