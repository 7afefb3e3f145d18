import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Item state shared through the item topic", .temporaryDirectories, .timeLimit(.minutes(3)))
struct EngineItemShareTests {
    @Test(
        """
        An instance with no state (new, or one that lost its disk) takes the item state from the item topic before \
        it serves: its item counters equal the direct count of a stream it never consumed
        """)
    func bootstrapFromTheTopic() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        var configuration = engineConfiguration(prefix: "boot")
        configuration.topics.items = "boot.items"
        configuration.engine.shareItemState = "true"
        try createTopics(of: configuration, on: cluster)
        try cluster.createTopic(configuration.topics.items, partitions: 6)
        let events = generatedEvents(count: 3_000, users: 150, items: 80, seed: 3)
        try await produce(events, to: configuration.topics.events, cluster: cluster)

        let first = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("boot-a"))
        #expect(await first.waitForRecords(events.count))
        try await first.stop()
        #expect(first.engine.statistics.itemEventsShared == events.count)

        // The same group, so the committed offsets are at the end: this instance
        // learns nothing from the events topic and everything from the item topic.
        let second = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("boot-b"))
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while second.engine.statistics.usersRestored < 150, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await second.stop()
        #expect(second.engine.statistics.eventsApplied == 0, "no event was learned again")
        #expect(second.engine.statistics.itemEventsApplied == events.count)
        var reader = try #require(
            try StateDirectoryReader(directory: second.stateDirectory, configuration: configuration))
        DirectCounts(events).expectEqual(to: try reader.featuresWithEveryUser())

        // Another deployment (group and events topic) given the same item topic learns nothing from it.
        var other = engineConfiguration(prefix: "boot-other")
        other.topics.items = configuration.topics.items
        other.engine.shareItemState = "true"
        try createTopics(of: other, on: cluster)
        let third = try RunningEngine(
            cluster: cluster, configuration: other, stateDirectory: temporaryDirectory("boot-c"))
        while third.engine.statistics.assignedPartitions.isEmpty, clock.now < deadline + .seconds(30) {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await third.stop()
        #expect(third.engine.statistics.itemEventsApplied == 0)
        let foreign = try #require(try CheckpointStore(directory: third.stateDirectory).load())
        #expect(foreign.sharedItems.positions.values.reduce(0, +) > 0, "it read the topic")
        #expect(foreign.sharedItems.watermarks.isEmpty, "and applied none of it")
    }
}
