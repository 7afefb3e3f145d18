import Foundation
import StreamRecTestSupport
import Testing

@Suite("streamrec inspect over a log", .timeLimit(.minutes(1)), .temporaryDirectories)
struct InspectCommandTests {
    /// A small log whose counts are known: u1 views i1 three times and buys it,
    /// u2 views i1 and i2, u3 views i2; one line is invalid; the file is unsorted.
    static let log = [
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000000000,"item":{"category":"shoes","price":50}}"#,
        #"{"user_id":"u2","item_id":"i2","type":"view","timestamp":1700000300000,"item":{"category":"hats","price":20}}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000060000}"#,
        #"{"user_id":"u2","item_id":"i1","type":"view","timestamp":1700000200000}"#,
        #"{"user_id":"u1","item_id":"i1","type":"purchase","timestamp":1700000120000}"#,
        #"{"user_id":"u1","item_id":"i1","type":"view","timestamp":1700000030000}"#,
        #"{"user_id":"u3","item_id":"i2","type":"view","timestamp":1700000400000}"#,
        #"{"user_id":"u3","item_id":"i2","type":"teleport","timestamp":1700000400000}"#,
    ].joined(separator: "\n")

    @Test("--user, --item and --popular report what the log holds, as JSON")
    func views() async throws {
        let file = try temporaryFile("log.jsonl", Self.log)
        let user = try await run(["inspect", file, "--user", "u1", "--json"])
        #expect(user.status == 0, "\(user.stderr)")
        let userJSON = try JSONSerialization.jsonObject(with: Data(user.stdout.utf8)) as! [String: Any]
        #expect(userJSON["events"] as? Int == 4)
        #expect(userJSON["counts"] as? [String: Int] == ["view": 3, "purchase": 1])
        #expect((userJSON["recent_items"] as? [[String: Any]])?.first?["item_id"] as? String == "i1")

        let item = try await run(["inspect", file, "--item", "i1", "--json"])
        let itemJSON = try JSONSerialization.jsonObject(with: Data(item.stdout.utf8)) as! [String: Any]
        #expect(itemJSON["events"] as? Int == 5)
        #expect(itemJSON["distinct_users"] as? Int == 2)
        #expect(itemJSON["conversion_rate"] as? Double == 0.25)
        #expect(itemJSON["category"] as? String == "shoes")

        let popular = try await run(["inspect", file, "--popular", "2", "--json"])
        let list = try JSONSerialization.jsonObject(with: Data(popular.stdout.utf8)) as! [[String: Any]]
        #expect(list.map { $0["item_id"] as? String } == ["i1", "i2"])
        #expect(list.map { $0["events"] as? Int } == [5, 2])
        #expect(list.allSatisfy { ($0["score"] as? Double ?? 0) > 0 })
    }

    @Test("The summary counts invalid lines; an unknown user is an error")
    func summaryAndUnknown() async throws {
        let file = try temporaryFile("log.jsonl", Self.log)
        let summary = try await run(["inspect", file, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as! [String: Any]
        let counts = json["summary"] as! [String: Any]
        #expect(counts["events_applied"] as? Int == 7)
        #expect(counts["invalid_lines"] as? Int == 1)
        #expect(counts["users"] as? Int == 3)
        let unknown = try await run(["inspect", file, "--user", "u9"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("user 'u9' is not in the log"))
    }
}
