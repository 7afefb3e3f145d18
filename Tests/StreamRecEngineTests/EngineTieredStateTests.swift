import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Every user kept: memory as a cache over the user store", .temporaryDirectories, .timeLimit(.minutes(4)))
struct EngineTieredStateTests {
    /// Users active in bursts 40 days of event time apart, longer than the default
    /// memory TTL (30 days): each returns after being moved out of memory. In
    /// event-time order.
    static func pausingEvents(users: Int, bursts: Int, eventsPerBurst: Int, items: Int) -> [Event] {
        var random = SeededRandom(seed: 11)
        let start: Int64 = 1_700_000_000_000
        let day: Int64 = 86_400_000
        var events: [Event] = []
        for user in 0..<users {
            for burst in 0..<bursts {
                let burstStart = start + Int64(burst * 40 + user % 30) * day + Int64(user) * 1_000
                for k in 0..<eventsPerBurst {
                    // Product of two uniforms: low item numbers are popular.
                    let item = Int(random.next() % UInt64(items)) * Int(random.next() % 1_000) / 1_000
                    events.append(
                        Event(
                            userID: "u\(user)", itemID: "i\(item)", type: ["view", "click", "purchase"][k % 3],
                            timestampMilliseconds: burstStart + Int64(k) * 60_000))
                }
            }
        }
        return events.sorted { $0.timestampMilliseconds < $1.timestampMilliseconds }
    }

    @Test(
        """
        Users pause longer than the memory TTL and come back, memory holds a tenth of them: no update recommends \
        an item its user consumed before it, and every user's counters equal a direct count
        """)
    func nothingForgotten() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        var configuration = engineConfiguration(prefix: "tier")
        configuration.features.maxUsers = 150  // of 1,500
        try createTopics(of: configuration, on: cluster)
        let events = Self.pausingEvents(users: 1_500, bursts: 3, eventsPerBurst: 6, items: 300)
        try await produce(events, to: configuration.topics.events, cluster: cluster)

        let stateDirectory = temporaryDirectory("tier")
        let running = try RunningEngine(cluster: cluster, configuration: configuration, stateDirectory: stateDirectory)
        #expect(await running.waitForRecords(events.count))
        try await running.stop()
        let statistics = running.engine.statistics
        #expect(statistics.eventsApplied == events.count)
        #expect(statistics.usersMovedOut > 1_500, "users left memory, most of them more than once")
        #expect(statistics.usersBroughtIn > 1_000, "and came back")
        #expect(statistics.usersInMemory <= 150 + configuration.engine.batchSize)

        var reader = try #require(try StateDirectoryReader(directory: stateDirectory, configuration: configuration))
        let counts = try reader.userCount()
        #expect(counts.inMemory + counts.inStore == 1_500)
        DirectCounts(events).expectEqual(to: try reader.featuresWithEveryUser())

        // Each update against what its user had consumed up to the event it is based on.
        var consumedAt: [String: [(time: Int64, item: String)]] = [:]
        for event in events {
            consumedAt[event.userID, default: []].append((event.timestampMilliseconds, event.itemID))
        }
        let published = statistics.recommendationsPublished
        let messages = try await readAll(configuration.topics.recommendations, from: cluster) { $0.count >= published }
        #expect(messages.count == published)
        var violations: [String] = []
        for message in messages {
            let update = try Recommendation(decoding: try #require(message.value))
            let consumed = Set(
                consumedAt[update.userID, default: []].filter { $0.time <= update.basedOn.eventTime }.map(\.item))
            if update.items.contains(where: { consumed.contains($0.itemID) }) { violations.append(update.userID) }
        }
        #expect(
            violations.isEmpty, "\(violations.count) updates recommend consumed items, e.g. to \(violations.prefix(5))")
    }

    @Test(
        """
        With state.user_retention_days, users idle longer are erased from memory and from the user store, with \
        tombstones on the recommendations topic; the others stay
        """)
    func retention() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        var configuration = engineConfiguration(prefix: "retain")
        configuration.state.userRetentionDays = 2
        configuration.state.retentionSweepMilliseconds = 1
        configuration.features.maxUsers = 10  // most of the idle users are in the store
        // One partition keeps event time in step with the stream: with several, a partition read
        // ahead moves the clock past a busy user whose partition lags, and the 1 ms sweep expires them.
        try createTopics(of: configuration, on: cluster, partitions: 1)
        let start: Int64 = 1_700_000_000_000
        let day: Int64 = 86_400_000
        // 40 users active on day 0 only; 5 users active every hour for 5 days.
        var events = (0..<40).map {
            Event(userID: "idle\($0)", itemID: "i\($0 % 7)", type: "view", timestampMilliseconds: start + Int64($0))
        }
        for hour in 0..<(5 * 24) {
            for user in 0..<5 {
                events.append(
                    Event(
                        userID: "busy\(user)", itemID: "i\(hour % 30)", type: "view",
                        timestampMilliseconds: start + day / 2 + Int64(hour) * 3_600_000 + Int64(user)))
            }
        }
        try await produce(events, to: configuration.topics.events, cluster: cluster)

        let stateDirectory = temporaryDirectory("retain")
        let running = try RunningEngine(cluster: cluster, configuration: configuration, stateDirectory: stateDirectory)
        #expect(await running.waitForRecords(events.count))
        try await running.stop()
        #expect(running.engine.statistics.usersExpired == 40)

        var reader = try #require(try StateDirectoryReader(directory: stateDirectory, configuration: configuration))
        #expect(try reader.userIDs() == Set((0..<5).map { "busy\($0)" }))
        #expect(try reader.exportUser("idle3") == nil)
        let updates = try await readAll(configuration.topics.recommendations, from: cluster) { messages in
            Set(messages.filter { $0.value == nil }.compactMap(\.keyString)).count >= 40
        }
        let tombstones = Set(updates.filter { $0.value == nil }.compactMap(\.keyString))
        #expect(tombstones == Set((0..<40).map { "idle\($0)" }))
    }
}
