import Foundation
import StreamRecTestSupport
import Testing

/// `streamrec produce` sends what it validated, byte for byte.
@Suite("streamrec produce keeps bytes as given", .serialized, .timeLimit(.minutes(2)), .temporaryDirectories)
struct ProduceCommandTests {
    @Test("Lines go out byte-exact; invalid UTF-8 is refused as invalid_utf8; --raw sends anything as it is")
    func byteExact() async throws {
        let broker = try ChildProcess(["broker", "--no-address-file", "--topic", "exact:1"])
        let address = try await broker.firstLine()
        // Non-ASCII text, an escaped character and a spacing the encoder would not write.
        let line = #"{ "user_id":"u1", "item_id":"café\u00e9","type":"view","timestamp":1714564800000 }"#
        let sent = try await run(["produce", "-b", address, "--topic", "exact"], stdin: line + "\r\n")
        #expect(sent.status == 0, "\(sent.stderr)")

        let bytes = try await runBytes(
            ["produce", "-b", address, "--topic", "exact"], stdin: [0x80, 0x81, 0x61, 0x0A])
        #expect(bytes.status == 2)
        #expect(bytes.stderr.contains("invalid_utf8"), "\(bytes.stderr)")

        let raw = try await runBytes(
            ["produce", "-b", address, "--topic", "exact", "--raw", "--key", "k"],
            stdin: [0x80, 0x81, 0x61, 0x0A])
        #expect(raw.status == 0, "\(raw.stderr)")

        let read = try await runBytes(
            ["-C", "-b", address, "-t", "exact", "-o", "beginning", "-e", "-q", "-f", "%k|%s\n"], executable: kcat)
        #expect(read.status == 0)
        #expect(read.stdout == Array(("u1|" + line + "\n").utf8) + Array("k|".utf8) + [0x80, 0x81, 0x61, 0x0A])
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }

    @Test("A record over kafka.max_record_bytes is refused before sending, naming the setting")
    func oversizedRecordRefused() async throws {
        let broker = try ChildProcess(["broker", "--no-address-file", "--topic", "big:1"])
        let address = try await broker.firstLine()
        let line = String(repeating: "x", count: 1_500_000)
        let refused = try await run(["produce", "-b", address, "--topic", "big", "--raw"], stdin: line + "\n")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("more than kafka.max_record_bytes (1000000)"), "\(refused.stderr)")
        let allowed = try await run(
            ["produce", "-b", address, "--topic", "big", "--raw"],
            environment: ["STREAMREC_MAX_RECORD_BYTES": "2000000"],
            stdin: line + "\n")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        broker.send(signal: SIGTERM)
        _ = await broker.waitForExit()
    }
}
