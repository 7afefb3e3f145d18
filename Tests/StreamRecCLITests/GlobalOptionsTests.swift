import Foundation
import StreamRecTestSupport
import Testing

@testable import StreamRecCLI

@Suite("Global options before or after the command", .timeLimit(.minutes(1)), .temporaryDirectories)
struct GlobalOptionsTests {
    @Test(
        "Leading global options move after the subcommand path, before any --",
        arguments: [
            (["-c", "f.yaml", "topics", "apply"], ["topics", "apply", "-c", "f.yaml"]),
            (
                ["--log-level", "debug", "-Xa=b", "run", "--fresh"],
                ["run", "--fresh", "--log-level", "debug", "-Xa=b"]
            ),
            (["--config=f.yaml", "replay", "--", "-odd-file"], ["replay", "--config=f.yaml", "--", "-odd-file"]),
            (["topics", "list", "-b", "h:1"], ["topics", "list", "-b", "h:1"]),
            (["--version"], ["--version"]),
        ])
    func reordering(arguments: [String], expected: [String]) {
        #expect(GlobalOptions.movedAfterSubcommand(arguments) == expected)
    }

    @Test("`streamrec -c FILE config` and `--log-level` before the command work as after it")
    func beforeTheCommand() async throws {
        let file = try makeTemporaryDirectory("config") + "/my.yaml"
        try "consumer:\n  group_id: from-the-file\n".write(toFile: file, atomically: false, encoding: .utf8)
        let result = try await run(["-c", file, "--log-level", "error", "config"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("from-the-file"), "\(result.stdout)")
    }

    @Test("--version prints the version; offline commands refuse -b and -X with the reason")
    func versionAndOffline() async throws {
        let version = try await run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == StreamRecVersion.current)
        let inspect = try await run(["-b", "127.0.0.1:1", "inspect", "u.data"])
        #expect(inspect.status == 2)
        #expect(inspect.stderr.contains("never connects to Kafka"), "\(inspect.stderr)")
    }
}
