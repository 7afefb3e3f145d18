import Foundation
import StreamRecCore
import StreamRecTestSupport
import Testing

@testable import StreamRecCLI

/// `streamrec replay` sends in event-time order whatever the order of its input.
@Suite("Replay in event-time order", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories)
struct ReplayOrderTests {
    /// `count` events one second apart in event time, shuffled, several sharing a time.
    static func shuffledEvents(count: Int, seed: UInt64) -> [Event] {
        var random = SeededRandom(seed: seed)
        var events = (0..<count).map { index in
            Event(
                userID: "u\(index % 97)", itemID: "i\(index)", type: "view",
                timestampMilliseconds: 1_700_000_000_000 + Int64(index / 3) * 1_000)
        }
        for index in stride(from: events.count - 1, to: 0, by: -1) {
            events.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        return events
    }

    @Test("A budget far below the input: many sorted runs merged, the same events in a stable time order")
    func externalSortIsStable() throws {
        let events = Self.shuffledEvents(count: 5_000, seed: 5)
        let budget = 40_000
        var sorter = EventTimeSorter(
            memoryBudget: budget, schema: EventSchema(),
            scratchDirectory: try makeTemporaryDirectory("runs"))
        for event in events { try sorter.append(event) }
        var out: [Event] = []
        try sorter.drain {
            out.append($0)
            return true
        }
        // No run holds more than the budget: the input needs at least this many.
        #expect(sorter.spilledRuns >= events.count * MemoryLayout<Event>.stride / budget)
        #expect(out == EventTimeSorter.sorted(events))
        // Stable: equal times keep their input order (the sort above is checked against it).
        let firstTime = out.prefix { $0.timestampMilliseconds == out[0].timestampMilliseconds }
        #expect(
            firstTime.map(\.itemID)
                == events.filter { $0.timestampMilliseconds == out[0].timestampMilliseconds }
                .map(\.itemID))
    }

    @Test("A shuffled file larger than --sort-memory reaches Kafka in time order; kcat reads each partition in order")
    func replayedInTimeOrder() async throws {
        let events = Self.shuffledEvents(count: 12_000, seed: 9)
        let encoder = EventEncoder()
        let lines = events.map { String(decoding: encoder.encode($0), as: UTF8.self) }
        let file = try temporaryFile("shuffled.jsonl", lines.joined(separator: "\n"))
        let broker = try ChildProcess(["broker", "--no-address-file", "--topic", "ordered:3"])
        let address = try await broker.firstLine()

        let replay = try await run(["replay", "-b", address, "--topic", "ordered", "--sort-memory", "1", file])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("replayed 12000 events"), "\(replay.stdout)")
        #expect(replay.stdout.contains("(sent sorted, merged from"), "\(replay.stdout)")

        let read = try await run(
            ["-C", "-b", address, "-t", "ordered", "-o", "beginning", "-e", "-q", "-f", "%p %T\n"], executable: kcat)
        #expect(read.status == 0, "\(read.stderr)")
        var byPartition: [String: [Int64]] = [:]
        for line in read.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            try #require(fields.count == 2, "\(line)")
            byPartition[String(fields[0]), default: []].append(try #require(Int64(fields[1])))
        }
        #expect(byPartition.values.reduce(0) { $0 + $1.count } == 12_000)
        for (partition, times) in byPartition {
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "partition \(partition) out of order")
        }
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("--speedup paces a shuffled file by event time: 100 s of events at 20x take 5 s (±20%)")
    func speedupOnShuffledFile() async throws {
        // 11 events 10 s apart, shuffled: in file order the pacer would send most at once.
        let lines = [7, 2, 10, 0, 5, 9, 1, 8, 3, 6, 4].map {
            #"{"user_id":"u","item_id":"i\#($0)","type":"view","timestamp":\#(1_700_000_000_000 + $0 * 10_000)}"#
        }
        let file = try temporaryFile("shuffled-paced.jsonl", lines.joined(separator: "\n"))
        let replay = try await run(["replay", "--dry-run", "--speedup", "20", file])
        #expect(replay.status == 0, "\(replay.stderr)")
        // The time replay reports, from its first event to its last: a process that is
        // slow to start on a loaded machine does not count.
        let reported = try #require(replay.stdout.firstMatch(of: /in ([0-9.]+) s/).flatMap { Double($0.1) })
        let took = Duration.milliseconds(Int(reported * 1_000))
        #expect(replay.stdout.contains("validated 11 events"), "\(replay.stdout)")
        #expect(replay.stdout.contains("5 read out of event-time order (sent sorted)"), "\(replay.stdout)")
        #expect(took > .seconds(4) && took < .seconds(6), "took \(took)")

        let asRead = try await run(["replay", "--dry-run", "--order", "file", file])
        #expect(asRead.stdout.contains("5 read out of event-time order (sent in file order)"), "\(asRead.stdout)")
    }
}
