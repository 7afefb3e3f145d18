import Foundation
import StreamRecTestSupport
import Testing

@Suite("streamrec forget", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories)
struct ForgetCommandTests {
    /// The value size kcat reports for the newest record of each key of `topic` (-1: a tombstone).
    func newestValueSizes(_ topic: String, at address: String) async throws -> [String: Int] {
        let read = try await run(
            ["-C", "-b", address, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%S\t%o\t%p\n"],
            executable: kcat)
        #expect(read.status == 0, "\(read.stderr)")
        var newest: [String: (offset: Int, size: Int)] = [:]
        for line in read.stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let size = Int(fields[1]), let offset = Int(fields[2]) else { continue }
            // One key's records are on one partition, in offset order.
            if offset >= newest[fields[0]]?.offset ?? -1 { newest[fields[0]] = (offset, size) }
        }
        return newest.mapValues(\.size)
    }

    @Test(
        """
        After forget, inspect finds nothing for the user, the changelog and the recommendations topic hold \
        tombstones for them (read with kcat), and a restart does not bring them back
        """)
    func forget() async throws {
        let broker = try ChildProcess(["broker", "--no-address-file"])
        let address = try await broker.firstLine()
        let state = temporaryDirectory("forget")
        // Memory holds one user, so that the others are in the user store when forgotten.
        let environment = ["STREAMREC_MAX_USERS": "1", "STREAMREC_CHECKPOINT_INTERVAL_MS": "200"]
        let arguments = ["run", "-b", address, "--state-dir", state, "--status-interval", "1", "--log-level", "info"]
        var engine = try ChildProcess(arguments, environment: environment)
        #expect(await engine.waitForStderr(containing: "assigned", timeout: .seconds(30)), "\(engine.stderr)")

        var lines: [String] = []
        for (k, user) in ["u1", "u2", "u3", "u1", "u2", "u3"].enumerated() {
            lines.append(
                #"{"user_id":"\#(user)","item_id":"i\#(k)","type":"view","timestamp":\#(1_700_000_000_000 + k * 1_000)}"#
            )
        }
        let produced = try await run(["produce", "-b", address], stdin: lines.joined(separator: "\n") + "\n")
        #expect(produced.status == 0, "\(produced.stderr)")
        // The status line: every event applied, so that u2 and u3 are complete at the stop.
        #expect(await engine.waitForStderr(containing: "run: 6 events", timeout: .seconds(30)), "\(engine.stderr)")

        let forgot = try await run(["forget", "-b", address, "--user", "u1"])
        #expect(forgot.status == 0, "\(forgot.stderr)")
        #expect(forgot.stdout.contains("forget u1"), "\(forgot.stdout)")
        #expect(await engine.waitForStderr(containing: "forgot user 'u1'", timeout: .seconds(30)), "\(engine.stderr)")
        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit() == 0, "\(engine.stderr)")

        func inspect(_ user: String) async throws -> (status: Int32?, stdout: String, stderr: String) {
            try await run(["inspect", "--state-dir", state, "--user", user, "--json"])
        }
        let gone = try await inspect("u1")
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("user 'u1' is not in the checkpoint"), "\(gone.stderr)")
        for user in ["u2", "u3"] {
            let kept = try await inspect(user)
            #expect(kept.status == 0, "\(user): \(kept.stderr)")
            #expect(kept.stdout.contains(#""events":2"#), "\(user): \(kept.stdout)")
        }

        let changelog = try await newestValueSizes("streamrec.state.changelog", at: address)
        #expect(changelog["u1"] == -1, "a changelog tombstone for u1: \(changelog)")
        #expect((changelog["u2"] ?? -1) > 0)
        let recommendations = try await newestValueSizes("streamrec.recommendations", at: address)
        #expect(recommendations["u1"] == -1, "a recommendations tombstone for u1: \(recommendations)")
        #expect((recommendations["u2"] ?? -1) > 0)

        // A restart reads the checkpoint and the store: u1 stays gone.
        engine = try ChildProcess(arguments, environment: environment)
        #expect(await engine.waitForStderr(containing: "assigned", timeout: .seconds(30)), "\(engine.stderr)")
        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit() == 0, "\(engine.stderr)")
        #expect(try await inspect("u1").status == 1)
        #expect(try await inspect("u2").status == 0)

        let usage = try await run(["forget", "-b", address])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("name the user to erase with --user ID"), "\(usage.stderr)")
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }
}
