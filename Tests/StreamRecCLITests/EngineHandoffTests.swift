import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

extension EngineProcessTests {
    /// Three `streamrec run` processes in one group; one is killed and its partitions
    /// move to the others, which restore their users from the changelog.
    @Suite(
        "Partitions handed over between instances keep their users", .serialized, .timeLimit(.minutes(5)),
        .temporaryDirectories)
    struct EngineHandoffTests {
        /// Waits until the group's committed offsets reach `ends` on every partition.
        static func waitForCommitted(
            _ ends: [Int32: Int64], group: String, topic: String, cluster: EmbeddedKafkaCluster,
            timeout: Duration = .seconds(120)
        ) async throws -> String? {
            let probe = try KafkaConsumer(
                configuration: cluster.consumerConfiguration(groupID: group), logger: testLogger)
            defer { try? probe.closeSync() }
            let partitions = ends.keys.sorted().map { KafkaTopicPartition(topic: topic, partition: $0) }
            let clock = ContinuousClock()
            let end = clock.now + timeout
            var committed: [KafkaTopicPartitionOffset] = []
            while clock.now < end {
                committed = try probe.committed(partitions)
                if committed.allSatisfy({ $0.offset.rawValue >= ends[$0.topicPartition.partition]! }) { return nil }
                try await Task.sleep(for: .milliseconds(200))
            }
            return "committed \(committed.map(\.offset.rawValue)), ends \(ends.sorted { $0.key < $1.key }.map(\.value))"
        }

        /// Sends `slice` to `topic` (``produce(_:to:cluster:)``) and returns each partition's end offset after it.
        static func send(
            _ slice: ArraySlice<Event>, to topic: String, cluster: EmbeddedKafkaCluster, probe: KafkaConsumer
        ) async throws -> [Int32: Int64] {
            try await produce(Array(slice), to: topic, cluster: cluster)
            var ends: [Int32: Int64] = [:]
            for partition in Int32(0)..<6 {
                ends[partition] = try probe.watermarks(of: .init(topic: topic, partition: partition)).high
            }
            return ends
        }

        /// The engine's own log lines (not librdkafka's), for a failure message.
        static func engineLines(_ stderr: String) -> String {
            stderr.split(separator: "\n").filter { $0.contains("[StreamRecEngine]") }.suffix(40).joined(separator: "\n")
        }

        @Test(
            """
            One of three instances is killed mid-stream: each user lives on one instance, with counters equal to a \
            direct count, and no update after the move recommends what the user consumed before it
            """)
        func killOneOfThree() async throws {
            let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
            let prefix = "handoff-\(UUID().uuidString.prefix(6))"
            for (topic, partitions) in [("events", 6), ("dlq", 1), ("recommendations", 6), ("changelog", 6)] {
                try cluster.createTopic("\(prefix).\(topic)", partitions: Int32(partitions))
            }
            var environment = EngineProcessTests.EngineCrashTests.environment(
                prefix: prefix, group: "\(prefix)-engines")
            environment["STREAMREC_MODEL"] = "hybrid"
            environment["STREAMREC_BATCH_SIZE"] = "200"
            let events = generatedEvents(count: 12_000, users: 600, items: 300, seed: 5)
            let probe = try KafkaConsumer(
                configuration: cluster.consumerConfiguration(groupID: "probe"), logger: testLogger)
            func send(_ slice: ArraySlice<Event>) async throws -> [Int32: Int64] {
                try await Self.send(slice, to: "\(prefix).events", cluster: cluster, probe: probe)
            }

            let directories = (0..<3).map { temporaryDirectory("\(prefix)-\($0)") }
            var engines = try directories.map {
                try EngineProcessTests.EngineCrashTests.startEngine(
                    bootstrap: cluster.bootstrapServers, stateDirectory: $0, environment: environment)
            }
            var ends = try await send(events.prefix(6_000))
            let firstHalf = try await Self.waitForCommitted(
                ends, group: "\(prefix)-engines", topic: "\(prefix).events", cluster: cluster)
            #expect(firstHalf == nil, "the first half was processed and committed: \(firstHalf ?? "")")
            // On a loaded machine an instance may join late; the kill must come after each one owned
            // partitions and checkpointed them, or there is no handover to test.
            for (k, directory) in directories.enumerated() {
                let checkpointed = await EngineProcessTests.EngineCrashTests.waitForCheckpoint(in: directory) { _ in
                    true
                }
                #expect(checkpointed != nil, "instance \(k) checkpointed: \(Self.engineLines(engines[k].stderr))")
            }

            // The second half arrives while one instance dies.
            ends = try await send(events.suffix(6_000))
            engines[1].send(signal: SIGKILL)
            _ = await engines[1].waitForExit(timeout: .seconds(10))
            let secondHalf = try await Self.waitForCommitted(
                ends, group: "\(prefix)-engines", topic: "\(prefix).events", cluster: cluster)
            #expect(
                secondHalf == nil,
                """
                the survivors processed and committed everything: \(secondHalf ?? "")
                \(Self.engineLines(engines[0].stderr))
                \(Self.engineLines(engines[2].stderr))
                """)
            try probe.closeSync()
            for k in [0, 2] { engines[k].send(signal: SIGTERM) }
            for k in [0, 2] {
                #expect(await engines[k].waitForExit(timeout: .seconds(30)) == 0, "\(engines[k].stderr.suffix(2_000))")
            }
            let restores = [0, 2].filter { engines[$0].stderr.contains("changelog records) in") }
            #expect(
                !restores.isEmpty,
                "a survivor restored the killed instance's partitions from the changelog: \(engines[0].stderr.suffix(3_000))"
            )
            // Kept for the message of a failed check below: which partitions each
            // survivor restored, and from where it went on.
            let survivorLogs = [0, 2].map { "instance \($0):\n\(Self.engineLines(engines[$0].stderr))" }
                .joined(separator: "\n")
            engines = []

            // Each user on exactly one survivor, with exact counters.
            var configuration = StreamRecConfiguration()
            configuration.topics.events = "\(prefix).events"
            var holders: [String: [Int]] = [:]
            var features: [Int: FeatureStore] = [:]
            for k in [0, 2] {
                var reader = try #require(
                    try StateDirectoryReader(directory: directories[k], configuration: configuration))
                for user in try reader.userIDs() { holders[user, default: []].append(k) }
                features[k] = try reader.featuresWithEveryUser()
            }
            let direct = DirectCounts(events)
            let missing = Set(direct.userEvents.keys).subtracting(holders.keys)
            #expect(missing.isEmpty, "\(missing.count) users on no instance, e.g. \(missing.sorted().prefix(5))")
            #expect(Set(holders.keys).isSubset(of: direct.userEvents.keys))
            // The survivor that stops last may be given the other's partitions as it
            // leaves, and restore their users before it stops: then both hold them, equal.
            var wrong: [String] = []
            for (user, count) in direct.userEvents {
                for k in holders[user, default: []] {
                    let got = features[k]!.userFeatures(user)
                    if got?.events != count || got?.counts.filter({ $0.value > 0 }) != direct.userCounts[user] {
                        wrong.append(user)
                    }
                }
            }
            #expect(
                wrong.isEmpty, "\(wrong.count) users with wrong counters, e.g. \(wrong.prefix(5))\n\(survivorLogs)")

            // No update recommends what its user consumed up to the event it is based on.
            var consumedAt: [String: [(time: Int64, item: String)]] = [:]
            for event in events {
                consumedAt[event.userID, default: []].append((event.timestampMilliseconds, event.itemID))
            }
            let reader = try TopicReader(cluster.bootstrapServers, "\(prefix).recommendations")
            let updates = try await reader.read(count: Int.max, quiet: .seconds(3))
            #expect(updates.count > 600)
            var violations: [String] = []
            for (message, _) in updates {
                let update = try Recommendation(decoding: Array(try #require(message.value)))
                let consumed = Set(
                    consumedAt[update.userID, default: []].filter { $0.time <= update.basedOn.eventTime }.map(\.item))
                if update.items.contains(where: { consumed.contains($0.itemID) }) { violations.append(update.userID) }
            }
            #expect(
                violations.isEmpty,
                "\(violations.count) updates recommend consumed items, e.g. to \(violations.prefix(5))")
        }
    }
}
