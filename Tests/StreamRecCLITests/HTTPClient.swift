import Foundation

/// HTTP requests through curl, a client StreamRec did not write.
enum Curl {
    struct Reply {
        var status: Int
        var body: String

        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    static func request(
        _ url: String, method: String = "GET", body: String? = nil, maxTime: Double = 10
    ) async throws -> Reply {
        var arguments = ["-s", "-S", "-X", method, "--max-time", String(maxTime), "-w", "\n%{http_code}", url]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let result = try await run(arguments, executable: "/usr/bin/curl", timeout: .seconds(maxTime + 10))
        let text = result.stdout
        let split = text.lastIndex(of: "\n") ?? text.startIndex
        return Reply(status: Int(text[split...].dropFirst()) ?? 0, body: String(text[..<split]))
    }

    /// Asks until `accept` says yes, for at most `timeout`; the last reply.
    static func poll(
        _ url: String, timeout: Duration = .seconds(30), until accept: (Reply) -> Bool
    ) async throws -> Reply {
        let end = ContinuousClock.now + timeout
        while true {
            let reply = try await request(url)
            if accept(reply) || ContinuousClock.now > end { return reply }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
