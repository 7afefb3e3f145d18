import Foundation
import Logging
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// What we write, a client we did not write reads, and the other way round,
/// through `streamrec broker` running as its own process.
/// `make test` installs kcat, so a missing kcat fails here rather than skipping.
@Suite("Interop with kcat against streamrec broker", .serialized, .timeLimit(.minutes(2)), .temporaryDirectories)
struct KcatInteropTests {
    @Test("kcat reads our records with keys, values and headers intact")
    func kcatReadsOurRecords() async throws {
        let broker = try ChildProcess(["broker", "--no-address-file"])
        let address = try await broker.firstLine()
        let client = KafkaClientConfiguration(bootstrapServers: address)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: testLogger)
        for index in 0..<50 {
            try await producer.send(
                KafkaProducerMessage(
                    topic: "streamrec.events", key: "user-\(index)",
                    value: #"{"user_id":"user-\#(index)","n":\#(index)}"#,
                    headers: [
                        KafkaHeader(key: "source", value: "streamrec"), KafkaHeader(key: "seq", value: "\(index)"),
                    ]))
        }
        try await producer.close()
        #expect(producer.statistics.delivered == 50)

        let result = try await run(
            [
                "-C", "-b", address, "-t", "streamrec.events", "-o", "beginning", "-e", "-q",
                "-f", "%k\t%s\t%h\n",
            ], executable: kcat)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 50)
        for line in lines {
            let fields = line.split(separator: "\t").map(String.init)
            try #require(fields.count == 3, "\(line)")
            let index = try #require(Int(fields[0].dropFirst("user-".count)))
            #expect(fields[1] == #"{"user_id":"user-\#(index)","n":\#(index)}"#)
            #expect(fields[2] == "source=streamrec,seq=\(index)")
        }
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("We read what kcat produced, keys, values and headers intact")
    func weReadKcatRecords() async throws {
        let broker = try ChildProcess(["broker", "--no-address-file"])
        let address = try await broker.firstLine()
        let input = (0..<40).map { "user-\($0):{\"item_id\":\"i\($0)\"}" }.joined(separator: "\n") + "\n"
        let produced = try await run(
            ["-P", "-b", address, "-t", "streamrec.events", "-K", ":", "-H", "origin=kcat"],
            executable: kcat, stdin: input)
        #expect(produced.status == 0, "\(produced.stderr)")

        var consumerConfiguration = KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: address),
            groupID: "interop-\(UUID().uuidString.prefix(6))")
        consumerConfiguration.fetchWaitMaxMilliseconds = EmbeddedKafkaCluster.recommendedFetchWaitMilliseconds
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: testLogger)
        try consumer.subscribe(topics: ["streamrec.events"])
        var received: [KafkaConsumerMessage] = []
        let clock = ContinuousClock()
        let end = clock.now + .seconds(30)
        while received.count < 40, clock.now < end {
            received += try await consumer.nextBatch(timeout: .milliseconds(200))
        }
        try await consumer.close()
        #expect(received.count == 40)
        for message in received {
            let key = try #require(message.keyString)
            let index = try #require(Int(key.dropFirst("user-".count)))
            #expect(message.valueString == "{\"item_id\":\"i\(index)\"}")
            #expect(message.headers == [KafkaHeader(key: "origin", value: "kcat")])
        }
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("kcat produces events into streamrec broker, streamrec run answers, kcat reads the recommendations")
    func kcatOnBothEndsOfTheEngine() async throws {
        let home = try temporaryHome()
        // One partition: every batch is a prefix of the stream, so each user's last
        // event comes after all nine items have been seen (see the check of the
        // latest lists below).
        let broker = try ChildProcess(
            ["broker", "--no-address-file", "--partitions", "1"], environment: ["STREAMREC_HOME": home])
        let address = try await broker.firstLine()
        // Keyed by user, as applications should; one line is not an event and must go to the dead-letter topic.
        var lines = (0..<60).map { index in
            "u\(index % 6)|{\"user_id\":\"u\(index % 6)\",\"item_id\":\"sku-\(index % 9)\",\"type\":\"view\",\"timestamp\":\(1_750_000_000_000 + index * 1000)}"
        }
        lines.append("u0|{\"user_id\":\"u0\",\"type\":\"view\"}")
        let produced = try await run(
            ["-P", "-b", address, "-t", "streamrec.events", "-K", "|"], executable: kcat,
            stdin: lines.joined(separator: "\n") + "\n")
        #expect(produced.status == 0, "\(produced.stderr)")

        let engine = try ChildProcess(
            ["run", "-b", address, "--state-dir", home + "/state", "--status-interval", "0"],
            environment: ["STREAMREC_HOME": home])
        // kcat reads until every user has a list: 6 keys.
        var users: Set<String> = []
        var recommendations: [[String: Any]] = []
        let clock = ContinuousClock()
        let end = clock.now + .seconds(60)
        while users.count < 6, clock.now < end {
            let read = try await run(
                [
                    "-C", "-b", address, "-t", "streamrec.recommendations", "-o", "beginning", "-e", "-q",
                    "-f", "%k\t%s\n",
                ], executable: kcat)
            recommendations = []
            users = []
            for line in read.stdout.split(separator: "\n") {
                let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
                guard fields.count == 2,
                    let object = try JSONSerialization.jsonObject(with: Data(fields[1].utf8)) as? [String: Any]
                else { continue }
                #expect(object["user_id"] as? String == fields[0], "keyed by user")
                users.insert(fields[0])
                recommendations.append(object)
            }
            if users.count < 6 { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(users == Set((0..<6).map { "u\($0)" }), "engine stderr: \(engine.stderr)")
        var latest: [String: (offset: Int, items: Int)] = [:]
        for object in recommendations {
            #expect(object["version"] as? Int == 1)
            #expect(object["model"] as? String == "hybrid")
            let offset = try #require((object["based_on"] as? [String: Any])?["offset"] as? Int)
            let user = try #require(object["user_id"] as? String)
            let items = (object["items"] as? [[String: Any]])?.count ?? 0
            if offset >= latest[user]?.offset ?? -1 { latest[user] = (offset, items) }
        }
        // An early update may be empty (no item the user had not consumed was seen
        // yet); each user's update for their last event has six items to offer.
        for (user, update) in latest {
            #expect(update.items > 0, "\(user)'s latest list is empty")
        }
        // `streamrec watch` shows the same updates: one Recommendation v1 per line with --json, filtered by user.
        let watched = try await run(
            ["watch", "-b", address, "--from-beginning", "--json", "--user", "u2", "--count", "1"],
            environment: ["STREAMREC_HOME": home], timeout: .seconds(30))
        #expect(watched.status == 0, "\(watched.stderr)")
        let line = try #require(watched.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["user_id"] as? String == "u2")
        let table = try await run(
            ["watch", "-b", address, "--from-beginning", "--user", "u3", "--count", "1"],
            environment: ["STREAMREC_HOME": home], timeout: .seconds(30))
        #expect(table.stdout.hasPrefix("u3 · hybrid · "), "\(table.stdout)")
        #expect(table.stdout.contains("   1. sku-"), "a ranked table: \(table.stdout)")

        let letters = try await run(
            [
                "-C", "-b", address, "-t", "streamrec.events.dlq", "-o", "beginning", "-e", "-q", "-c", "1",
                "-f", "%h\n",
            ], executable: kcat)
        #expect(letters.stdout.contains("streamrec.error=missing_field"))

        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit() == 0)
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }
}

let kcat = "/usr/bin/kcat"
