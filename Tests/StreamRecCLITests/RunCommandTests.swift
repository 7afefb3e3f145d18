import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// `streamrec run` as a separate process: its services and their shutdown.
@Suite("streamrec run as a service group", .serialized, .timeLimit(.minutes(2)), .temporaryDirectories)
struct RunCommandTests {
    /// An embedded cluster with one engine's topics, and what `streamrec run` needs
    /// to use them: its environment and its arguments (info logs, no status lines).
    struct Setup {
        let cluster: EmbeddedKafkaCluster
        let prefix: String
        let stateDirectory: String
        let environment: [String: String]
        let arguments: [String]

        init(_ name: String, partitions: Int32 = 1, statusInterval: String = "0") throws {
            cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
            prefix = "\(name)-\(UUID().uuidString.prefix(6))"
            for topic in ["events", "dlq", "recommendations", "changelog"] {
                try cluster.createTopic("\(prefix).\(topic)", partitions: partitions)
            }
            stateDirectory = temporaryDirectory("state")
            environment = EngineProcessTests.EngineCrashTests.environment(prefix: prefix, group: "\(prefix)-engine")
            arguments = [
                "run", "-b", cluster.bootstrapServers, "--state-dir", stateDirectory, "--status-interval",
                statusInterval,
                "--log-level", "info",
            ]
        }
    }

    @Test("SIGTERM with status lines on: every service ends, the engine checkpoints, exit 0")
    func gracefulStopWithStatusLines() async throws {
        let setup = try Setup("svc", statusInterval: "0.2")
        try await produce(
            generatedEvents(count: 50, users: 5, items: 10, seed: 3), to: "\(setup.prefix).events",
            cluster: setup.cluster)
        let stateDirectory = setup.stateDirectory
        let engine = try ChildProcess(setup.arguments, environment: setup.environment)

        // A status line that counts every event: the engine and the reporter both run.
        #expect(
            await engine.waitForStderr(containing: "streamrec run: 50 events", timeout: .seconds(60)),
            "stderr: \(engine.stderr)")
        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(engine.stderr)")
        #expect(engine.stderr.contains("streamrec run stopped: 50 events"), "stderr: \(engine.stderr)")
        #expect(!engine.stderr.contains("did not finish"), "the watchdog must not fire")
        #expect(EngineProcessTests.EngineCrashTests.checkpoint(in: stateDirectory)?.eventsApplied == 50)
    }

    @Test("One engine per state directory: a second exits 2 naming the first's pid; after kill -9 the next one starts")
    func stateDirectoryLock() async throws {
        let setup = try Setup("lock")
        let (arguments, environment) = (setup.arguments, setup.environment)
        let first = try ChildProcess(arguments, environment: environment)
        #expect(await first.waitForStderr(containing: "consuming", timeout: .seconds(30)), "stderr: \(first.stderr)")

        let second = try await run(arguments, environment: environment, timeout: .seconds(30))
        #expect(second.status == 2, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("in use by another engine (pid \(first.pid))"), "stderr: \(second.stderr)")

        first.send(signal: SIGKILL)
        _ = await first.waitForExit()
        let third = try ChildProcess(arguments, environment: environment)
        #expect(await third.waitForStderr(containing: "consuming", timeout: .seconds(30)), "stderr: \(third.stderr)")
        third.send(signal: SIGTERM)
        #expect(await third.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(third.stderr)")
    }

    @Test("A restart right after kill -9 gets its partitions back, and says how long it took")
    func restartAfterKill() async throws {
        let setup = try Setup("restart", partitions: 2)
        let (arguments, environment) = (setup.arguments, setup.environment)
        let first = try ChildProcess(arguments, environment: environment)
        #expect(await first.waitForStderr(containing: "assigned [", timeout: .seconds(30)), "stderr: \(first.stderr)")
        first.send(signal: SIGKILL)
        _ = await first.waitForExit()

        let clock = ContinuousClock()
        let restarted = clock.now
        let second = try ChildProcess(arguments, environment: environment)
        // The group waits for the killed member's session (consumer.session_timeout_ms) to run out.
        let assigned = await second.waitForStderr(containing: "assigned [", timeout: .seconds(40))
        let took = clock.now - restarted
        print("restart after kill -9: partitions assigned after \(took)")
        #expect(assigned, "stderr: \(second.stderr)")
        #expect(took < .seconds(10), "took \(took)")
        second.send(signal: SIGTERM)
        #expect(await second.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(second.stderr)")
    }

    @Test("--log-format json: every log line is one JSON object with time, level, logger and message")
    func jsonLogLines() async throws {
        let setup = try Setup("jsonlog")
        let engine = try ChildProcess(setup.arguments + ["--log-format", "json"], environment: setup.environment)
        #expect(await engine.waitForStderr(containing: "assigned [", timeout: .seconds(30)), "stderr: \(engine.stderr)")
        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(engine.stderr)")
        // The plain lines are the command's own narration for people (printError), not log records.
        let logLines = engine.stderr.split(separator: "\n").filter { !$0.hasPrefix("streamrec run") }
        #expect(logLines.count >= 3, "stderr: \(engine.stderr)")
        for line in logLines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] as? String != nil && object?["message"] as? String != nil, "\(line)")
            #expect((object?["logger"] as? String)?.hasPrefix("streamrec.") == true, "\(line)")
            #expect(object?["time"] as? String != nil, "\(line)")
        }
        #expect(logLines.contains { $0.contains(#""message":"assigned ["#) })
    }
}
