import Foundation
import StreamRecTestSupport
import Testing

@Suite("Bad input fails fast with a message that says what to change", .timeLimit(.minutes(2)), .temporaryDirectories)
struct BadInputTests {
    @Test("An unknown key in the config file: exit 2, the key named")
    func unknownConfigKey() async throws {
        let file = try makeTemporaryDirectory("config") + "/bad.yaml"
        try "kafka:\n  bootstrap_server: localhost:9092\n".write(toFile: file, atomically: false, encoding: .utf8)
        let result = try await run(["config", "-c", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown configuration key 'kafka.bootstrap_server'"))
        #expect(result.stderr.contains("bootstrap_servers"), "suggests the known keys")
    }

    @Test("A value of the wrong type in the environment: exit 2, variable and key named")
    func wrongType() async throws {
        let result = try await run(["config"], environment: ["STREAMREC_BATCH_SIZE": "eighty"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("STREAMREC_BATCH_SIZE"))
        #expect(result.stderr.contains("'engine.batch_size' must be an integer"))
    }

    @Test("An unknown librdkafka property: exit 2 before connecting, the property named")
    func unknownProperty() async throws {
        let result = try await run(["topics", "list", "-b", "127.0.0.1:1", "-X", "fetch.wait.max.msec=5"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'fetch.wait.max.msec'"))
    }

    @Test("A malformed HTTP address: exit 2 before connecting, the setting and the accepted forms named")
    func malformedHTTPAddress() async throws {
        for arguments in [["run", "--http", "8080"], ["serve", "--http", "localhost:http"]] {
            let result = try await run(arguments + ["-b", "127.0.0.1:1"], timeout: .seconds(20))
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("must be HOST:PORT"), "\(result.stderr)")
            #expect(!result.stderr.contains("cannot reach Kafka"), "checked before connecting")
        }
        let outOfRange = try await run(["serve", "--http", "127.0.0.1:99999", "-b", "127.0.0.1:1"])
        #expect(outOfRange.status == 2 && outOfRange.stderr.contains("serve.http (--http)"), "\(outOfRange.stderr)")
    }

    @Test("Sharing item state with a model that cannot share it: exit 2 before connecting, both settings named")
    func shareItemStateWithoutSharingModel() async throws {
        let result = try await run(
            ["run", "--model", "isgd", "-b", "127.0.0.1:1"], environment: ["STREAMREC_SHARE_ITEM_STATE": "true"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("engine.share_item_state: true"), "\(result.stderr)")
        #expect(result.stderr.contains("'isgd'"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach Kafka"), "checked before connecting")
    }

    @Test("An unreachable bootstrap server: exit 1 within the connect timeout, address and cause named")
    func unreachableServer() async throws {
        let started = ContinuousClock.now
        let result = try await run(
            ["topics", "list", "-b", "127.0.0.1:1"], environment: ["STREAMREC_CONNECT_TIMEOUT_MS": "1500"],
            timeout: .seconds(30))
        let elapsed = ContinuousClock.now - started
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach Kafka at 127.0.0.1:1"))
        #expect(result.stderr.contains("Connection refused"))
        // Generous: a loaded CI machine is slow to spawn and schedule; a hang would take far longer.
        #expect(elapsed < .seconds(30))
    }

    @Test("A topic file with a missing field: exit 2, file and field named")
    func topicMissingField() async throws {
        let folder = temporaryDirectory("topics")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "name: orders\nreplication_factor: 1\n".write(
            toFile: folder + "/orders.yaml", atomically: false, encoding: .utf8)
        let result = try await run(["topics", "apply", "--topics-dir", folder, "-b", "127.0.0.1:1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("orders.yaml: missing field 'partitions'"))
    }

    @Test("No bootstrap servers anywhere: exit 2 with the ways to give one")
    func noBootstrap() async throws {
        let result = try await run(["topics", "list"], environment: ["STREAMREC_HOME": try temporaryHome()])
        #expect(result.status == 2)
        #expect(result.stderr.contains("-b HOST:PORT"))
        #expect(result.stderr.contains("streamrec broker"))
    }

    @Test(
        "Argument mistakes exit 2",
        arguments: [
            ["broker", "--brokers", "0"],
            ["no-such-command"],
            ["topics", "list", "--log-level", "loud"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let result = try await run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("--help explains and exits 0")
    func help() async throws {
        let result = try await run(["broker", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("5 MiB"))
        #expect(result.stdout.contains("--bootstrap-servers"))
    }

    @Test(
        "Argument mistakes met by new users: exit 2 and a message that says what to change",
        arguments: [
            (["watch", "--count", "-1"], "--count must be at least 1"),
            (["replay", "--limit", "-5", "x.jsonl"], "--limit must not be negative"),
            (["evaluate", "--plot", "r.png", "u.data"], "name the file FILE.svg"),
            (["evaluate", "--models", "foo", "u.data"], "popularity-cumulative"),
        ])
    func argumentMistakes(arguments: [String], expected: String) async throws {
        let result = try await run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test("A wrong value in the config file names the file and the key once")
    func keyNamedOnce() async throws {
        let file = try makeTemporaryDirectory("config") + "/typed.yaml"
        try "engine:\n  refresh_window_ms: abc\n".write(toFile: file, atomically: false, encoding: .utf8)
        let result = try await run(["config", "-c", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file): 'engine.refresh_window_ms' must be an integer, got 'abc'"))
        #expect(result.stderr.components(separatedBy: "refresh_window_ms").count == 2, "\(result.stderr)")
    }

    @Test("An unreachable cluster: one clear error, librdkafka's reconnect lines only at --log-level debug")
    func unreachableIsOneLine() async throws {
        let environment = ["STREAMREC_CONNECT_TIMEOUT_MS": "1000"]
        let quiet = try await run(["topics", "list", "-b", "127.0.0.1:1"], environment: environment)
        #expect(quiet.status == 1)
        let lines = quiet.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(quiet.stderr)")
        #expect(quiet.stderr.contains("cannot reach Kafka at 127.0.0.1:1"), "\(quiet.stderr)")
        let detailed = try await run(
            ["topics", "list", "-b", "127.0.0.1:1", "--log-level", "debug"], environment: environment)
        #expect(detailed.stderr.contains("librdkafka"), "\(detailed.stderr)")
    }
}
