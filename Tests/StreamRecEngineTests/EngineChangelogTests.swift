import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("The state changelog", .temporaryDirectories, .timeLimit(.minutes(3)))
struct EngineChangelogTests {
    @Test(
        """
        An instance taking over partitions restores their users from the changelog; a damaged changelog record \
        stops it with the user and the partition named, before anything of the partition is processed
        """)
    func restoreAndDamage() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        let configuration = engineConfiguration(prefix: "chl")
        try createTopics(of: configuration, on: cluster)
        let events = generatedEvents(count: 3_000, users: 200, items: 100)
        try await produce(events, to: configuration.topics.events, cluster: cluster)

        let first = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("chl-a"))
        #expect(await first.waitForRecords(events.count))
        try await first.stop()

        // Another instance, with no state, restores every user from the changelog.
        let second = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("chl-b"))
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while second.engine.statistics.usersRestored < 200, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(second.engine.statistics.usersRestored == 200)
        try await second.stop()
        var reader = try #require(
            try StateDirectoryReader(directory: second.stateDirectory, configuration: configuration))
        // Users' counters, not items': item statistics stay with the instance that learned them.
        let restored = try reader.featuresWithEveryUser(), direct = DirectCounts(events)
        let wrong = direct.userEvents.filter { user, count in
            let got = restored.userFeatures(user)
            return got?.events != count || got?.counts.filter({ $0.value > 0 }) != direct.userCounts[user]
        }
        #expect(wrong.isEmpty, "users with wrong counters: \(wrong.keys.sorted().prefix(5))")

        // A record no engine wrote, on every partition of the changelog.
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
        for partition in Int32(0)..<6 {
            try await producer.send(
                KafkaProducerMessage(
                    topic: configuration.topics.changelog, partition: partition, key: Array("u-bad".utf8),
                    value: [0xFF, 1, 2, 3]))
        }
        try await producer.close()
        let third = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("chl-c"))
        let failure = try #require(await third.failure(), "the engine stops by itself")
        let message = "\(failure)"
        #expect(message.contains("restoring partition"), "\(message)")
        #expect(message.contains("user 'u-bad'"), "\(message)")
        #expect(third.engine.statistics.eventsApplied == 0, "nothing of the partition was processed")
    }
}
