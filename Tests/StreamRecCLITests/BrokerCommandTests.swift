import Foundation
import StreamRecTestSupport
import Testing

@Suite("streamrec broker as a separate process", .serialized, .timeLimit(.minutes(2)), .temporaryDirectories)
struct BrokerCommandTests {
    @Test("Prints its address first, records it for other commands, and cleans up on SIGTERM")
    func lifecycle() async throws {
        let home = try temporaryHome()
        let broker = try ChildProcess(["broker", "--brokers", "2"], environment: ["STREAMREC_HOME": home])
        let address = try await broker.firstLine()
        #expect(address.split(separator: ",").count == 2)
        #expect(
            address.split(separator: ",").allSatisfy {
                $0.hasPrefix("127.0.0.1:") && Int($0.split(separator: ":")[1]) != nil
            })
        #expect(await broker.waitForStderr(containing: "ready"))

        let recorded = try String(contentsOfFile: home + "/broker", encoding: .utf8).split(separator: "\n")
        #expect(recorded.first.map(String.init) == address)
        #expect(recorded.last.map(String.init) == String(broker.pid))

        // Another command finds the broker through the file, with no -b.
        let list = try await run(["topics", "list"], environment: ["STREAMREC_HOME": home])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("streamrec.events "))
        #expect(list.stdout.contains("streamrec.recommendations"))

        let apply = try await run(["topics", "apply"], environment: ["STREAMREC_HOME": home])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("streamrec.events\texists\tpartitions=6"))

        // A second broker refuses to take over the address file.
        let second = try await run(["broker"], environment: ["STREAMREC_HOME": home])
        #expect(second.status == 2)
        #expect(second.stderr.contains("another streamrec broker (pid \(broker.pid))"))

        broker.send(signal: SIGTERM)
        let status = await broker.waitForExit(timeout: .seconds(15))
        #expect(status == 0)
        #expect(!FileManager.default.fileExists(atPath: home + "/broker"))
    }

    @Test("--partitions overrides every topic's partition count")
    func partitionOverride() async throws {
        let home = try temporaryHome()
        let broker = try ChildProcess(
            ["broker", "--partitions", "2", "--no-address-file"], environment: ["STREAMREC_HOME": home])
        let address = try await broker.firstLine()
        let list = try await run(["topics", "list", "--json", "-b", address])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains(#""topic":"streamrec.events","partitions":2"#))
        #expect(!FileManager.default.fileExists(atPath: home + "/broker"))
        broker.send(signal: SIGINT)
        #expect(await broker.waitForExit(timeout: .seconds(15)) == 0)
    }

    @Test("From an empty directory: broker starts with the built-in topics, topics apply finds them")
    func fromAnEmptyDirectory() async throws {
        let empty = try makeTemporaryDirectory("cwd")
        let home = try temporaryHome()
        let broker = try ChildProcess(["broker"], environment: ["STREAMREC_HOME": home], workingDirectory: empty)
        let address = try await broker.firstLine()
        #expect(address.hasPrefix("127.0.0.1:"), "stderr: \(broker.stderr)")

        let apply = try ChildProcess(
            ["topics", "apply"], environment: ["STREAMREC_HOME": home], workingDirectory: empty)
        #expect(await apply.waitForExit() == 0, "stderr: \(apply.stderr)")
        for topic in ["streamrec.events", "streamrec.events.dlq", "streamrec.recommendations"] {
            #expect(apply.stdout.contains("\(topic)\texists"), "\(apply.stdout)")
        }
        let schema = try await run(["topics", "schema", "event"])
        #expect(schema.stdout.contains("\"user_id\""))
        broker.send(signal: SIGTERM)
        #expect(await broker.waitForExit() == 0)
    }

    @Test("The README's scripting idiom, as written: addr=$(streamrec broker --detach) returns, the broker serves")
    func detachedIdiom() async throws {
        let home = try temporaryHome()
        let folder = URL(fileURLWithPath: streamrecExecutable).deletingLastPathComponent().path
        let script = """
            set -e
            addr=$(streamrec broker --detach)
            streamrec topics list -b "$addr"
            kill $(sed -n 2p "$STREAMREC_HOME/broker")
            """
        let result = try await run(
            ["-c", script], environment: ["STREAMREC_HOME": home, "PATH": folder + ":/usr/bin:/bin"],
            executable: "/bin/bash", timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("streamrec.events"), "\(result.stdout)")
        // The broker removes its address file when it stops.
        let clock = ContinuousClock()
        let end = clock.now + .seconds(10)
        while FileManager.default.fileExists(atPath: home + "/broker"), clock.now < end {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!FileManager.default.fileExists(atPath: home + "/broker"), "the detached broker stopped on kill")
    }
}
