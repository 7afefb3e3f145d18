import Foundation
import Logging
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// The suites that run several `streamrec run` processes at once, one after the
/// other: side by side on two cores they starved each other's engines.
@Suite("Several engine processes", .serialized)
struct EngineProcessTests {}

/// `streamrec run` as a separate process against a cluster in this process.
extension EngineProcessTests {
    @Suite(
        "streamrec run survives kill -9 with exactly-once state", .serialized, .timeLimit(.minutes(6)),
        .temporaryDirectories)
    struct EngineCrashTests {
        static let logger = testLogger

        /// Environment giving one engine its topics, group, model and quick checkpoints.
        static func environment(prefix: String, group: String) -> [String: String] {
            [
                "STREAMREC_TOPIC_EVENTS": "\(prefix).events",
                "STREAMREC_TOPIC_DEAD_LETTER": "\(prefix).dlq",
                "STREAMREC_TOPIC_RECOMMENDATIONS": "\(prefix).recommendations",
                "STREAMREC_TOPIC_CHANGELOG": "\(prefix).changelog",
                "STREAMREC_GROUP_ID": group,
                "STREAMREC_MODEL": "bpr",
                "STREAMREC_CHECKPOINT_INTERVAL_MS": "300",
            ]
        }

        /// Starts `streamrec run`. A shorter session timeout lets the group notice a
        /// killed member in six seconds instead of ten (the embedded cluster refuses
        /// to join with less).
        static func startEngine(
            bootstrap: String, stateDirectory: String, environment: [String: String]
        ) throws -> ChildProcess {
            try ChildProcess(
                [
                    "run", "-b", bootstrap, "--state-dir", stateDirectory, "--status-interval", "0", "--log-level",
                    "info",
                    "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000",
                ],
                environment: environment)
        }

        static func checkpoint(in directory: String) -> EngineCheckpoint? {
            try? CheckpointStore(directory: directory).load()
        }

        /// Waits until the checkpoint in `directory` satisfies `condition`.
        static func waitForCheckpoint(
            in directory: String, timeout: Duration = .seconds(120),
            _ condition: (EngineCheckpoint) -> Bool
        ) async -> EngineCheckpoint? {
            let clock = ContinuousClock()
            let end = clock.now + timeout
            while clock.now < end {
                if let checkpoint = checkpoint(in: directory), condition(checkpoint) { return checkpoint }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }

        /// Waits until `topic` holds an update based on the event at `offset` (of the
        /// one events partition).
        static func waitForUpdate(
            basedOnOffset offset: Int64, topic: String, cluster: EmbeddedKafkaCluster, timeout: Duration = .seconds(60)
        ) async throws -> Bool {
            let reader = try KafkaConsumer(
                configuration: cluster.consumerConfiguration(groupID: "updates-\(UUID().uuidString.prefix(6))"),
                logger: logger)
            try reader.subscribe(topics: [topic])
            defer { try? reader.closeSync() }
            let clock = ContinuousClock()
            let end = clock.now + timeout
            while clock.now < end {
                for message in try await reader.nextBatch(timeout: .milliseconds(100)) {
                    guard let value = message.value, let update = try? Recommendation(decoding: Array(value)) else {
                        continue
                    }
                    if update.basedOn.offset == offset { return true }
                }
            }
            return false
        }

        /// Runs an engine to the end of `total` records, then stops it with SIGTERM.
        static func runToEnd(
            bootstrap: String, stateDirectory: String, environment: [String: String], total: Int64
        ) async throws -> EngineCheckpoint {
            let engine = try startEngine(bootstrap: bootstrap, stateDirectory: stateDirectory, environment: environment)
            let done = await waitForCheckpoint(in: stateDirectory) { $0.recordsConsumed == total }
            #expect(done != nil, "engine did not reach the end; stderr: \(engine.stderr)")
            // When the last kill came after the end, the checkpoint above is the killed
            // run's: wait until this process consumes (and so handles SIGTERM) before
            // stopping it, or the signal's default action ends it.
            #expect(
                await engine.waitForStderr(containing: "consuming", timeout: .seconds(30)),
                "engine started; stderr: \(engine.stderr)")
            engine.send(signal: SIGTERM)
            #expect(await engine.waitForExit(timeout: .seconds(30)) == 0, "graceful stop; stderr: \(engine.stderr)")
            return try #require(checkpoint(in: stateDirectory))
        }

        /// `memoryCap`: users memory holds, of 300; users then move between memory and
        /// the user store in every batch, also across the kills.
        @Test(
            "SIGKILL mid-stream, at checkpoint counts: counters and the model equal an uninterrupted run's, bit for bit",
            arguments: [nil, 30])
        func killNine(memoryCap: Int?) async throws {
            let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: Self.logger)
            let prefix = "crash-\(UUID().uuidString.prefix(6))"
            try cluster.createTopic("\(prefix).events", partitions: 1)
            try cluster.createTopic("\(prefix).dlq", partitions: 1)
            try cluster.createTopic("\(prefix).recommendations", partitions: 3)
            try cluster.createTopic("\(prefix).changelog", partitions: 1)
            let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: Self.logger)
            let encoder = EventEncoder()
            // Kill points follow from the checkpoint count, not from timing: batches of at
            // most 100 records, a checkpoint once 1,000 records are past the last one and
            // never by the clock. Each start then has 1,100 new records plus fewer than
            // 1,000 left over from the kill before (under 2,000 in all), so it writes
            // exactly one checkpoint and is killed as soon as that checkpoint is on disk,
            // with the rest of its records applied or not but never checkpointed.
            //
            // With a memory cap, chunks of 1,200 leave at least 200 records (two batches)
            // after each checkpoint, and the kill waits for the update of the chunk's last
            // record: the batch before it has then moved users out of memory after the
            // checkpoint, so that the restart must undo those writes.
            let chunk = memoryCap == nil ? 1_100 : 1_200
            let chunks = 4
            let events = generatedEvents(count: chunk * chunks, users: 300, items: 200, seed: 11)
            let crashed = temporaryDirectory("\(prefix)-crashed")
            var crashedEnvironment = Self.environment(prefix: prefix, group: "\(prefix)-crashed")
            if let memoryCap { crashedEnvironment["STREAMREC_MAX_USERS"] = String(memoryCap) }
            var killedEnvironment = crashedEnvironment
            killedEnvironment["STREAMREC_BATCH_SIZE"] = "100"
            killedEnvironment["STREAMREC_CHECKPOINT_EVENTS"] = "1000"
            killedEnvironment["STREAMREC_CHECKPOINT_INTERVAL_MS"] = "3600000"
            var rollbacks = 0
            for round in 0..<chunks {
                for event in events[(round * chunk)..<((round + 1) * chunk)] {
                    try await producer.send(
                        KafkaProducerMessage(
                            topic: "\(prefix).events", key: Array(event.userID.utf8),
                            value: encoder.encode(event), timestampMilliseconds: event.timestampMilliseconds))
                }
                try await producer.flush()
                let before = Self.checkpoint(in: crashed)?.recordsConsumed ?? 0
                let engine = try Self.startEngine(
                    bootstrap: cluster.bootstrapServers, stateDirectory: crashed, environment: killedEnvironment)
                let progressed = await Self.waitForCheckpoint(in: crashed) { $0.recordsConsumed > before }
                if memoryCap != nil {
                    let last = Int64((round + 1) * chunk - 1)
                    #expect(
                        try await Self.waitForUpdate(
                            basedOnOffset: last, topic: "\(prefix).recommendations", cluster: cluster,
                            timeout: .seconds(120)),
                        "no update of offset \(last) in round \(round)")
                }
                engine.send(signal: SIGKILL)
                _ = await engine.waitForExit(timeout: .seconds(10))
                if engine.stderr.contains("rolled back to it") { rollbacks += 1 }
                let checkpointed = try #require(progressed, "no checkpoint in round \(round); stderr: \(engine.stderr)")
                #expect(checkpointed.recordsConsumed < (round + 1) * chunk, "killed mid-stream in round \(round)")
                #expect(Self.checkpoint(in: crashed)?.recordsConsumed == checkpointed.recordsConsumed)
            }
            try await producer.close()

            let total = Int64(events.count)
            let resumed = try await Self.runToEnd(
                bootstrap: cluster.bootstrapServers, stateDirectory: crashed,
                environment: crashedEnvironment, total: total)
            let referenceDirectory = temporaryDirectory("\(prefix)-reference")
            let reference = try await Self.runToEnd(
                bootstrap: cluster.bootstrapServers, stateDirectory: referenceDirectory,
                environment: Self.environment(prefix: prefix, group: "\(prefix)-reference"), total: total)

            #expect(resumed.eventsApplied == total, "no event lost or applied twice")
            #expect(resumed.offsets == reference.offsets)
            guard memoryCap != nil else {
                DirectCounts(events).expectEqual(to: try FeatureStore(snapshot: resumed.features))
                #expect(resumed.features == reference.features, "feature store bit-identical")
                #expect(resumed.model == reference.model, "model snapshot bit-identical")
                return
            }
            #expect(rollbacks > 0, "users moved out after a checkpoint, then a kill: a restart undid those writes")
            // Which users memory holds depends on batch boundaries, so the snapshots'
            // layouts differ; each user's state, wherever held, must not.
            var configuration = StreamRecConfiguration()
            configuration.topics.events = "\(prefix).events"
            configuration.model.name = "bpr"
            var crashedState = try #require(try StateDirectoryReader(directory: crashed, configuration: configuration))
            var referenceState = try #require(
                try StateDirectoryReader(directory: referenceDirectory, configuration: configuration))
            let users = try crashedState.userIDs()
            #expect(users == Set(events.map(\.userID)))
            #expect(try crashedState.userCount().inMemory <= 30 + 100, "memory held at most the cap and a batch")
            var differing: [String] = []
            for user in users where try crashedState.exportUser(user) != referenceState.exportUser(user) {
                differing.append(user)
            }
            #expect(differing.isEmpty, "users whose state differs: \(differing.prefix(5))")
            DirectCounts(events).expectEqual(to: try crashedState.featuresWithEveryUser())
        }
    }
}
