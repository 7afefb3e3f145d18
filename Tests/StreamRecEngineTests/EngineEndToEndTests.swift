import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite(
    "Streaming engine end to end on the embedded cluster", .serialized, .timeLimit(.minutes(5)), .temporaryDirectories)
struct EngineEndToEndTests {
    @Test(
        "50k events over 6 partitions: every user gets recommendations without consumed items; DLQ and counters exact")
    func endToEnd() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        let configuration = engineConfiguration(prefix: "e2e", model: "bpr")
        try createTopics(of: configuration, on: cluster)

        let events = generatedEvents(count: 50_000, users: 2_000, items: 800)
        // Malformed records of every kind, spread through the stream.
        let bad = DeadLetterIntegrationTests.malformed()
        let producer = try KafkaProducer(
            configuration: {
                var producer = cluster.producerConfiguration()
                producer.client.properties["message.max.bytes"] = "10000000"
                return producer
            }(), logger: testLogger)
        let encoder = EventEncoder()
        let spacing = events.count / bad.count
        for (index, event) in events.enumerated() {
            if index % spacing == 3, index / spacing < bad.count {
                try await producer.send(
                    KafkaProducerMessage(
                        topic: configuration.topics.events, key: Array("bad-\(index / spacing)".utf8),
                        value: bad[index / spacing].bytes))
            }
            try await producer.send(
                KafkaProducerMessage(
                    topic: configuration.topics.events, key: Array(event.userID.utf8),
                    value: encoder.encode(event), timestampMilliseconds: event.timestampMilliseconds))
        }
        try await producer.close()
        try #require(producer.statistics.failed == 0)

        let stateDirectory = temporaryDirectory("e2e")
        let running = try RunningEngine(cluster: cluster, configuration: configuration, stateDirectory: stateDirectory)
        let total = events.count + bad.count
        #expect(await running.waitForRecords(total))
        try await running.stop()
        let statistics = running.engine.statistics
        #expect(statistics.recordsConsumed == total)
        #expect(statistics.eventsApplied == events.count)
        var expectedReasons: [String: Int] = [:]
        for item in bad { expectedReasons[item.reason, default: 0] += 1 }
        #expect(statistics.rejected == expectedReasons)

        // The final checkpoint's counters equal a direct count of the valid events.
        let checkpoint = try #require(try CheckpointStore(directory: stateDirectory).load())
        #expect(checkpoint.eventsApplied == Int64(events.count))
        #expect(checkpoint.offsets.values.reduce(0, +) == Int64(total))
        let store = try FeatureStore(snapshot: checkpoint.features)
        DirectCounts(events).expectEqual(to: store)

        // Every user with a valid event has a recommendation; the newest one per user
        // excludes everything the user consumed.
        let users = Set(events.map(\.userID))
        let published = statistics.recommendationsPublished
        let messages = try await readAll(configuration.topics.recommendations, from: cluster) { $0.count >= published }
        #expect(messages.count == published)
        var newest: [String: Recommendation] = [:]
        for message in messages {
            let recommendation = try Recommendation(decoding: try #require(message.value))
            #expect(message.keyString == recommendation.userID)
            #expect(recommendation.model == "bpr")
            if let seen = newest[recommendation.userID], !recommendation.basedOn.isNewer(than: seen.basedOn) {
                continue
            }
            newest[recommendation.userID] = recommendation
        }
        #expect(Set(newest.keys) == users)
        #expect(published < events.count, "refreshes were coalesced")
        var violations: [String] = []
        for (user, recommendation) in newest {
            #expect(recommendation.items.count == configuration.model.topN)
            let consumed = Set(store.consumedItems(of: user))
            if recommendation.items.contains(where: { consumed.contains($0.itemID) }) { violations.append(user) }
        }
        #expect(violations.isEmpty, "recommended consumed items to \(violations.prefix(5))")

        // Every malformed record is in the dead-letter topic with its reason.
        let letters = try await readAll(configuration.topics.deadLetter, from: cluster) { $0.count >= bad.count }
        #expect(letters.count == bad.count)
        for letter in letters {
            let index = try #require(letter.keyString.flatMap { Int($0.dropFirst(4)) })
            #expect(letter.headers.string(DeadLetter.errorHeader) == bad[index].reason)
        }
    }
}

extension EngineEndToEndTests {
    @Test(
        """
        With features.recommend_again: view, a viewed item is back in the live list once the user moved on; \
        a purchased one and the latest viewed one stay out
        """)
    func viewedItemsComeBack() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        var configuration = engineConfiguration(prefix: "again", model: "popularity")
        configuration.features.recommendAgainTypes = ["view"]
        configuration.features.recommendAgainAfter = 1
        try createTopics(of: configuration, on: cluster)
        let start: Int64 = 1_700_000_000_000
        var events: [Event] = []
        for (item, viewers) in [("hot", 30), ("warm", 25), ("mild", 20), ("cold", 15)] {
            for k in 0..<viewers {
                events.append(
                    Event(
                        userID: "o\(k)", itemID: item, type: "view", timestampMilliseconds: start + Int64(events.count))
                )
            }
        }
        for (item, type) in [("hot", "view"), ("warm", "purchase"), ("mild", "view")] {
            events.append(
                Event(userID: "u", itemID: item, type: type, timestampMilliseconds: start + Int64(events.count)))
        }
        try await produce(events, to: configuration.topics.events, cluster: cluster)

        let running = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("again"))
        #expect(await running.waitForRecords(events.count))
        try await running.stop()
        let published = running.engine.statistics.recommendationsPublished
        let messages = try await readAll(configuration.topics.recommendations, from: cluster) { $0.count >= published }
        let updates = try messages.filter { $0.keyString == "u" }.map {
            try Recommendation(decoding: try #require($0.value))
        }
        let last = try #require(updates.max { $1.basedOn.isNewer(than: $0.basedOn) })
        let items = last.items.map(\.itemID)
        #expect(items.contains("hot"), "viewed two items ago, back: \(items)")
        #expect(!items.contains("warm"), "purchased: \(items)")
        #expect(!items.contains("mild"), "the latest item: \(items)")
    }
}
