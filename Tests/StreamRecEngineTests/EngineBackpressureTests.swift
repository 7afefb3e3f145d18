import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Streaming engine under backpressure", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories)
struct EngineBackpressureTests {
    @Test("A full producer queue pauses consumption; nothing is dropped and shutdown after pausing is clean")
    func pausesWhenOutputQueueIsFull() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        var configuration = engineConfiguration(prefix: "pressure", model: "popularity")
        configuration.engine.refreshWindowMilliseconds = 0
        try createTopics(of: configuration, on: cluster)
        let events = generatedEvents(count: 1_500, users: 1_000, items: 100, seed: 3)
        try await produce(events, to: configuration.topics.events, cluster: cluster)

        // Room for 20 records, and a slow broker: the output queue fills at once.
        var producer = cluster.producerConfiguration()
        producer.queueCapacity = 20
        try cluster.setRoundTripTime(broker: 1, milliseconds: 50)
        let running = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("pressure"),
            producer: producer)
        #expect(await running.waitForRecords(events.count))
        try await running.stop()
        try cluster.setRoundTripTime(broker: 1, milliseconds: 0)

        let statistics = running.engine.statistics
        #expect(statistics.backpressurePauses > 0, "consumption paused at least once")
        #expect(statistics.eventsApplied == events.count)
        let published = statistics.recommendationsPublished
        let updates = try await readAll(configuration.topics.recommendations, from: cluster) { $0.count >= published }
        #expect(updates.count == published, "every update reached the topic")
        #expect(Set(updates.compactMap(\.keyString)) == Set(events.map(\.userID)))
    }
}
