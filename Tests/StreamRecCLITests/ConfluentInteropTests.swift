import Foundation
import StreamRecTestSupport
import Testing

/// Python's confluent-kafka, from pip (`scripts/install-python-client.sh`, run by
/// `make test`), on both ends of the engine: a client with its own librdkafka build
/// writes the events and reads the recommendations and dead letters.
@Suite("Interop with Python confluent-kafka", .timeLimit(.minutes(2)), .temporaryDirectories)
struct ConfluentInteropTests {
    static let python = packageRoot + "/.build/interop-venv/bin/python3"
    static let script = packageRoot + "/Tests/Interop/confluent_engine_roundtrip.py"

    @Test(
        "confluent-kafka produces events into streamrec broker, streamrec run answers, confluent-kafka reads the results"
    )
    func confluentOnBothEndsOfTheEngine() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "run scripts/install-python-client.sh (make test does) to get confluent-kafka")
        let home = try temporaryHome()
        let broker = try ChildProcess(["broker", "--no-address-file"], environment: ["STREAMREC_HOME": home])
        let address = try await broker.firstLine()
        let engine = try ChildProcess(
            ["run", "-b", address, "--state-dir", home + "/state", "--status-interval", "0"],
            environment: ["STREAMREC_HOME": home])

        let result = try await run([Self.script, address, "5"], executable: Self.python, timeout: .seconds(90))
        #expect(result.status == 0, "\(result.stderr)\nengine: \(engine.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").last)
        let found = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(found["users"] as? [String] == (0..<5).map { "py-u\($0)" }, "every user got recommendations")
        #expect(found["models"] as? [String] == ["hybrid"])
        #expect((found["items"] as? [String])?.allSatisfy { $0.hasPrefix("py-sku-") } == true)
        #expect(
            found["dead_letter_reasons"] as? [String] == ["malformed_json"],
            "the malformed record, with its reason header")

        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit() == 0)
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }
}
