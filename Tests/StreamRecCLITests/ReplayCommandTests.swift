import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// A consumer of one topic of the broker at `address`, in a group of its own,
/// that stamps each record with the moment it arrived.
final class TopicReader {
    private let consumer: KafkaConsumer
    private let clock = ContinuousClock()

    init(_ address: String, _ topic: String) throws {
        var configuration = KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: address),
            groupID: "reader-\(UUID().uuidString.prefix(6))")
        configuration.fetchWaitMaxMilliseconds = EmbeddedKafkaCluster.recommendedFetchWaitMilliseconds
        consumer = try KafkaConsumer(configuration: configuration, logger: testLogger)
        try consumer.subscribe(topics: [topic])
    }

    /// Polls until the group gave this reader its partitions, so that what is
    /// produced from now on is seen as it arrives.
    func waitForAssignment(timeout: Duration = .seconds(30)) async throws {
        let deadline = clock.now + timeout
        var received: [KafkaConsumerMessage] = []
        while try consumer.assignment().isEmpty, clock.now < deadline {
            received += try await consumer.nextBatch(timeout: .milliseconds(50))
        }
        try #require(try !consumer.assignment().isEmpty, "the reader was assigned no partition")
        try #require(received.isEmpty, "the topic was not empty before the reader joined")
    }

    /// Reads until `count` records arrived or `quiet` passes without any, then closes.
    func read(
        count: Int, quiet: Duration = .seconds(5)
    ) async throws -> [(KafkaConsumerMessage, ContinuousClock.Instant)] {
        var received: [(KafkaConsumerMessage, ContinuousClock.Instant)] = []
        var lastArrival = clock.now + .seconds(20)  // group join and first fetch
        while received.count < count || clock.now - lastArrival < .milliseconds(300), clock.now < lastArrival + quiet {
            let batch = try await consumer.nextBatch(timeout: .milliseconds(50))
            let now = clock.now
            if !batch.isEmpty { lastArrival = now }
            received += batch.map { ($0, now) }
        }
        try await consumer.close()
        return received
    }
}

/// Reads a whole topic of the broker at `address` until `count` records arrived
/// or `quiet` passes without any.
func readTopic(
    _ address: String, _ topic: String, count: Int, quiet: Duration = .seconds(5)
) async throws -> [(KafkaConsumerMessage, ContinuousClock.Instant)] {
    try await TopicReader(address, topic).read(count: count, quiet: quiet)
}

func temporaryFile(_ name: String, _ contents: String) throws -> String {
    let folder = temporaryDirectory("replay")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name
    try contents.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

@Suite(
    "streamrec replay and produce against streamrec broker", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories
)
struct ReplayCommandTests {
    @Test("MovieLens u.data: exactly the valid rows arrive, keyed by user, stamped with event time")
    func movieLens() async throws {
        var lines: [String] = []
        var expected: [String: (user: String, time: Int64)] = [:]
        for index in 0..<2_000 {
            let user = String(1 + index % 97), item = String(index), seconds = 880_000_000 + index * 37
            lines.append("\(user)\t\(item)\t\(1 + index % 5)\t\(seconds)")
            expected[item] = (user, Int64(seconds) * 1000)
            if index % 400 == 0 { lines.append("\(user)\t\(item)x\t7\t\(seconds)") }  // rating out of range
        }
        lines.insert("garbage line", at: 10)
        let file = try temporaryFile("u.data", lines.joined(separator: "\n") + "\n")
        let broker = try ChildProcess(["broker", "--no-address-file", "--topic", "ml:4"])
        let address = try await broker.firstLine()

        let replay = try await run(["replay", "-b", address, "--topic", "ml", file])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("replayed 2000 events to ml"))
        #expect(replay.stdout.contains("rejected 6 (rating_out_of_range 5, malformed_line 1)"))
        #expect(replay.stderr.contains("u.data:11: expected 4 fields"))

        let records = try await readTopic(address, "ml", count: 2_000)
        #expect(records.count == 2_000)
        for (record, _) in records {
            let value = try JSONSerialization.jsonObject(with: Data(record.value!)) as! [String: Any]
            let item = value["item_id"] as! String
            let want = try #require(expected[item])
            #expect(record.keyString == want.user)
            #expect(value["user_id"] as? String == want.user)
            #expect(record.timestampMilliseconds == want.time)
            #expect(value["timestamp"] as? Int64 == want.time)
        }
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("Gzipped CSV with a column mapping; --limit and --from filter")
    func csvMapping() async throws {
        var lines = ["timestamp,visitorid,event,itemid,transactionid"]
        for index in 0..<300 {
            let event = ["view", "addtocart", "transaction"][index % 3]
            lines.append("\(1_433_221_332_000 + Int64(index) * 1000),v\(index % 10),\(event),\"item,\(index)\",")
        }
        lines.append("1433221332000,v1,view")  // a short row
        let file = try temporaryFile("events.csv", lines.joined(separator: "\n") + "\n")
        let gzip = try await run([file], executable: "/bin/gzip")
        #expect(gzip.status == 0)
        let broker = try ChildProcess(["broker", "--no-address-file", "--topic", "csv:3"])
        let address = try await broker.firstLine()

        let replay = try await run([
            "replay", "-b", address, "--topic", "csv", file + ".gz",
            "--map", "user=visitorid,item=itemid,type=event,timestamp=timestamp,event_id=transactionid",
            "--type-map", "addtocart=add_to_cart,transaction=purchase",
            "--from", "2015-06-02T05:02:22Z", "--limit", "250",  // the first ten rows are earlier
        ])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("replayed 250 events to csv"), "\(replay.stdout)")
        // In event-time order the whole file is read before the first send, so
        // the short row at the end is reported although --limit stops sending.
        #expect(replay.stdout.contains("rejected 1 (malformed_line 1); filtered 10"), "\(replay.stdout)")
        let records = try await readTopic(address, "csv", count: 250)
        #expect(records.count == 250)
        let types = Set(
            records.compactMap { try? JSONSerialization.jsonObject(with: Data($0.0.value!)) as? [String: Any] }
                .compactMap { $0["type"] as? String })
        #expect(types == ["view", "add_to_cart", "purchase"])
        #expect(records.allSatisfy { $0.0.keyString?.hasPrefix("v") == true })
        #expect(records.allSatisfy { ($0.0.timestampMilliseconds ?? 0) >= 1_433_221_342_000 })
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("--speedup keeps event-time gaps: 10 s gaps at 10x take 1 s each (median within 10%), 5 s in all")
    func speedupPacing() async throws {
        // Six events 10 s apart in event time; ten times faster is 1 s apart.
        let lines = (0..<6).map {
            #"{"user_id":"u","item_id":"i\#($0)","type":"view","timestamp":\#(1_700_000_000_000 + $0 * 10_000)}"#
        }
        let file = try temporaryFile("paced.jsonl", lines.joined(separator: "\n"))
        let broker = try ChildProcess(["broker", "--no-address-file", "--topic", "paced:1"])
        let address = try await broker.firstLine()

        let reader = try TopicReader(address, "paced")
        try await reader.waitForAssignment()
        async let records = reader.read(count: 6, quiet: .seconds(3))
        let replay = try await run(["replay", "-b", address, "--topic", "paced", "--speedup", "10", file])
        #expect(replay.status == 0, "\(replay.stderr)")
        let arrivals = try await records.map(\.1)
        try #require(arrivals.count == 6)
        // Arrival times carry the reader's fetch jitter: on a loaded machine one
        // record can arrive up to a second late, which lengthens one gap and
        // shortens the next by as much. The median gap does not move with one
        // such record; no pacing (all at once) or a doubled wait moves it far.
        let gaps = zip(arrivals, arrivals.dropFirst()).map { $1 - $0 }.sorted()
        let median = gaps[gaps.count / 2]
        #expect(median > .milliseconds(900) && median < .milliseconds(1_100), "gaps \(gaps)")
        let span = arrivals[5] - arrivals[0]
        #expect(span > .milliseconds(4_000) && span < .milliseconds(6_000), "five gaps took \(span)")
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("--strict stops at the first bad line with exit 1; --dry-run needs no broker")
    func strictAndDryRun() async throws {
        let file = try temporaryFile(
            "ratings.dat", "1::10::5::978300760\n1::11::five::978300761\n1::12::4::978300762\n")
        let strict = try await run(["replay", "--strict", "--dry-run", file])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("ratings.dat:2: rating 'five' is not a number; stopping (--strict)"))

        let dryRun = try await run(["replay", "--dry-run", file], environment: ["STREAMREC_HOME": try temporaryHome()])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("validated 2 events (dry run, nothing sent)"))
        #expect(dryRun.stdout.contains("rejected 1 (malformed_line 1)"))
    }

    @Test(
        "Replay argument mistakes exit 2 with the fix",
        arguments: [
            (["replay", "--rate", "5", "--speedup", "2", "u.data"], "give --rate or --speedup, not both"),
            (["replay", "notes.txt"], "pass --format"),
            (["replay", "--from", "last week", "u.data"], "--from expects an RFC 3339 time"),
            (["replay", "--dry-run", "events.csv"], "--map must name the column for 'user'"),
        ])
    func replayUsage(arguments: [String], message: String) async throws {
        let result = try await run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("produce: one event from flags arrives; an invalid one is refused before sending")
    func produce() async throws {
        let broker = try ChildProcess(["broker", "--no-address-file"])
        let address = try await broker.firstLine()
        let sent = try await run([
            "produce", "-b", address, "--user", "u7", "--item", "sku-1", "--type", "rating",
            "--value", "4.5", "--timestamp", "2024-05-01T12:00:00Z",
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("streamrec.events["))
        let records = try await readTopic(address, "streamrec.events", count: 1)
        #expect(records.count == 1)
        #expect(records.first?.0.keyString == "u7")
        #expect(records.first?.0.timestampMilliseconds == 1_714_564_800_000)

        let refused = try await run([
            "produce", "-b", address, "--user", "u7", "--item", "sku-1", "--type", "rating", "--value", "9",
        ])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("rating_out_of_range"))
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }
}
