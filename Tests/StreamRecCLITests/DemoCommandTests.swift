import Foundation
import StreamRecTestSupport
import Testing

@Suite("streamrec demo", .timeLimit(.minutes(2)), .temporaryDirectories)
struct DemoCommandTests {
    @Test(
        "The demo runs end to end on its own cluster: every event applied, malformed ones dead-lettered, every update received"
    )
    func runsEndToEnd() async throws {
        let home = try temporaryHome()
        let result = try await run(
            ["demo", "--events", "400", "--rate", "1000", "--follow", "user-3"],
            environment: ["STREAMREC_HOME": home], timeout: .seconds(90))
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("events sent           400 valid + 3 malformed"))
        #expect(out.contains("applied by the engine 400 "))
        #expect(out.contains("dead-lettered         1 malformed_json, 1 missing_field, 1 unknown_event_type"))
        let published = try #require(Self.number(after: "updates published", in: out))
        let received = try #require(Self.number(after: "updates received", in: out))
        #expect(published > 0 && received == published, "a separate consumer saw every update")
        #expect(out.contains("user-3 "), "the followed user's list is shown as it changes")
        #expect(!result.stderr.contains("Connection refused"), "clients close before the cluster goes")
    }

    static func number(after label: String, in text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first
    }
}
