import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

extension EngineProcessTests {
    /// Three `streamrec run` processes in one group share item state through the
    /// item topic (`engine.share_item_state: auto`, the default).
    @Suite("Instances share item state", .serialized, .timeLimit(.minutes(5)), .temporaryDirectories)
    struct ItemShareTests {
        @Test(
            """
            Every one of three instances holds the item counters of the whole stream, also after one is killed \
            mid-stream and restarted on its state
            """)
        func threeInstancesOneKilled() async throws {
            let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
            let prefix = "share-\(UUID().uuidString.prefix(6))"
            for (topic, partitions) in [
                ("events", 6), ("dlq", 1), ("recommendations", 6), ("changelog", 6), ("items", 6),
            ] {
                try cluster.createTopic("\(prefix).\(topic)", partitions: Int32(partitions))
            }
            var environment = EngineProcessTests.EngineCrashTests.environment(
                prefix: prefix, group: "\(prefix)-engines")
            environment["STREAMREC_MODEL"] = "hybrid"
            environment["STREAMREC_BATCH_SIZE"] = "200"
            environment["STREAMREC_TOPIC_ITEMS"] = "\(prefix).items"
            let events = generatedEvents(count: 12_000, users: 600, items: 300, seed: 9)
            let probe = try KafkaConsumer(
                configuration: cluster.consumerConfiguration(groupID: "probe"), logger: testLogger)
            defer { try? probe.closeSync() }
            func send(_ slice: ArraySlice<Event>) async throws -> [Int32: Int64] {
                try await EngineHandoffTests.send(slice, to: "\(prefix).events", cluster: cluster, probe: probe)
            }
            func start(_ directory: String) throws -> ChildProcess {
                try EngineProcessTests.EngineCrashTests.startEngine(
                    bootstrap: cluster.bootstrapServers, stateDirectory: directory, environment: environment)
            }

            let directories = (0..<3).map { temporaryDirectory("\(prefix)-\($0)") }
            var engines = try directories.map(start)
            // `auto` shares once other instances own partitions: events are sent once all three do.
            for engine in engines {
                #expect(
                    await engine.waitForStderr(containing: "sharing item state through", timeout: .seconds(60)),
                    "\(engine.stderr.suffix(2_000))")
            }
            var ends = try await send(events.prefix(6_000))
            let firstHalf = try await EngineHandoffTests.waitForCommitted(
                ends, group: "\(prefix)-engines", topic: "\(prefix).events", cluster: cluster)
            #expect(firstHalf == nil, "the first half was processed and committed: \(firstHalf ?? "")")

            // The second half arrives while one instance is killed and restarted on its state.
            ends = try await send(events.suffix(6_000))
            engines[1].send(signal: SIGKILL)
            _ = await engines[1].waitForExit(timeout: .seconds(10))
            engines[1] = try start(directories[1])
            let secondHalf = try await EngineHandoffTests.waitForCommitted(
                ends, group: "\(prefix)-engines", topic: "\(prefix).events", cluster: cluster)
            #expect(
                secondHalf == nil,
                "everything was processed and committed: \(secondHalf ?? "")\n\(EngineHandoffTests.engineLines(engines[1].stderr))"
            )
            // Each instance has every event's item side once its checkpoint's watermarks reach the ends.
            for (k, directory) in directories.enumerated() {
                let checkpoint = await EngineProcessTests.EngineCrashTests.waitForCheckpoint(in: directory) {
                    checkpoint in ends.allSatisfy { checkpoint.sharedItems.watermarks[$0.key, default: 0] >= $0.value }
                }
                #expect(
                    checkpoint != nil, "instance \(k) holds every event's item side: \(engines[k].stderr.suffix(2_000))"
                )
            }
            for engine in engines { engine.send(signal: SIGTERM) }
            for engine in engines {
                #expect(await engine.waitForExit(timeout: .seconds(30)) == 0, "\(engine.stderr.suffix(2_000))")
            }
            #expect(engines[1].stderr.contains("item state caught up"), "the restarted instance read the item topic")
            engines = []

            var configuration = StreamRecConfiguration()
            configuration.topics.events = "\(prefix).events"
            let direct = DirectCounts(events)
            for (k, directory) in directories.enumerated() {
                let checkpoint = try #require(EngineProcessTests.EngineCrashTests.checkpoint(in: directory))
                let features = try checkpoint.featureStore(
                    schema: configuration.events, features: configuration.features,
                    settings: configuration.model.settings)
                #expect(features.itemCount == direct.itemEvents.count, "instance \(k)")
                var wrong: [String] = []
                for (item, count) in direct.itemEvents {
                    let got = features.itemFeatures(item)
                    if got?.events != count || got?.distinctUsers != direct.itemUsers[item]?.count {
                        wrong.append(item)
                    }
                }
                #expect(
                    wrong.isEmpty,
                    "instance \(k): \(wrong.count) items with wrong counters, e.g. \(wrong.sorted().prefix(5))")
            }
        }
    }
}
