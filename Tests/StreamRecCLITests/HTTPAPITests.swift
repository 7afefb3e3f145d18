import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// The HTTP API of a real `streamrec run` and `streamrec serve` on an embedded
/// cluster, through curl; `/metrics` through prometheus_client's parser.
@Suite("HTTP API of streamrec run and serve", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories)
struct HTTPAPITests {
    static let python = packageRoot + "/.build/interop-venv/bin/python3"

    /// The URL a process printed for its HTTP server.
    static func url(of process: ChildProcess, marker: String) async throws -> String {
        #expect(await process.waitForStderr(containing: marker, timeout: .seconds(60)), "stderr: \(process.stderr)")
        let line = try #require(process.stderr.split(separator: "\n").first { $0.contains(marker) })
        let start = try #require(line.range(of: "http://"))
        return String(line[start.lowerBound...]).trimmingCharacters(in: .whitespaces).replacingOccurrences(
            of: "/", with: "", options: [.anchored, .backwards])
    }

    static func items(_ reply: Curl.Reply) -> [String] {
        ((reply.json?["recommendations"] as? [[String: Any]]) ?? []).compactMap { $0["item_id"] as? String }
    }

    static func event(_ user: String, _ item: String, _ type: String = "view", second: Int) -> String {
        #"{"user_id":"\#(user)","item_id":"\#(item)","type":"\#(type)","timestamp":"2026-11-29T10:00:\#(String(format: "%02d", second))Z"}"#
    }

    @Test("Events posted to /v1/events change the user's live list, and what they consumed leaves it")
    func postedEventsChangeTheLiveList() async throws {
        let setup = try RunCommandTests.Setup("http", partitions: 2)
        let engine = try ChildProcess(setup.arguments, environment: setup.environment)
        let base = try await Self.url(of: engine, marker: "HTTP API, metrics and dashboard at")
        let ready = try await Curl.poll(base + "/readyz", timeout: .seconds(60)) { $0.status == 200 }
        #expect(ready.status == 200, "readyz: \(ready.body)\nstderr: \(engine.stderr)")

        // Others who took `a` also took `b`, `c` or `d`: co-occurrence ranks those for `t`.
        let history = [
            ("o1", "a"), ("o1", "b"), ("o2", "a"), ("o2", "b"), ("o3", "a"), ("o3", "c"), ("o4", "a"), ("o4", "d"),
            ("t", "a"),
        ]
        let body = "[" + history.enumerated().map { Self.event($1.0, $1.1, second: $0) }.joined(separator: ",") + "]"
        let posted = try await Curl.request(base + "/v1/events", method: "POST", body: body)
        #expect(posted.status == 202, "\(posted.body)")
        #expect(posted.json?["accepted"] as? Int == history.count)

        let userURL = base + "/v1/users/t/recommendations?n=3"
        let first = try await Curl.poll(userURL) { !Self.items($0).isEmpty && $0.json?["cold"] as? Bool == false }
        let before = Self.items(first)
        #expect(Set(before) == ["b", "c", "d"], "what others took with a: \(first.body)")
        #expect(!before.contains("a"), "a is consumed: \(first.body)")

        let purchase = try await Curl.request(
            base + "/v1/events", method: "POST", body: Self.event("t", "b", "purchase", second: 30))
        #expect(purchase.status == 202, "\(purchase.body)")
        let second = try await Curl.poll(userURL) { !Self.items($0).contains("b") }
        let after = Self.items(second)
        #expect(!after.isEmpty && after != before, "before \(before), after \(second.body)")
        #expect(!after.contains("a") && !after.contains("b"), "consumed items stay out: \(after)")

        let classic = try await Curl.request(base + "/recommend", method: "POST", body: #"{"user_id":"t","top_n":2}"#)
        #expect(Set(classic.json?.keys.map { $0 } ?? []) == ["user_id", "recommendations"])
        #expect(Self.items(classic) == Array(after.prefix(2)))

        let stream = try await Curl.request(base + "/v1/users/t/recommendations/stream?n=3", maxTime: 2)
        #expect(stream.body.hasPrefix("event: recommendations\ndata: {"), "\(stream.body)")
        #expect(stream.body.contains(#""user_id":"t""#))

        let invalid = try await Curl.request(
            base + "/v1/events", method: "POST", body: #"[{"user_id":"t","item_id":"z","type":"view"}]"#)
        #expect(invalid.status == 400)
        #expect(((invalid.json?["rejected"] as? [[String: Any]])?.first?["reason"]) as? String == "missing_field")

        try await expectMetrics(at: base, applied: history.count + 1)

        // An open stream (a dashboard left open) must not hold up a clean stop.
        let listener = try ChildProcess(
            ["-s", "-N", "--max-time", "120", base + "/v1/users/t/recommendations/stream"], executable: "/usr/bin/curl")
        _ = try await listener.firstLine()
        let stopping = ContinuousClock.now
        engine.send(signal: SIGTERM)
        #expect(await engine.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(engine.stderr)")
        #expect(ContinuousClock.now - stopping < .seconds(15), "stopped in \(ContinuousClock.now - stopping)")
        #expect(engine.stderr.contains("streamrec run stopped"), "stderr: \(engine.stderr)")
        #expect(await listener.waitForExit(timeout: .seconds(10)) != nil, "the stream ended with the server")

        // The read service answers the same lists from the topic, without the engine.
        let serve = try ChildProcess(
            ["serve", "-b", setup.cluster.bootstrapServers, "--http", "127.0.0.1:0"], environment: setup.environment)
        let serveBase = try await Self.url(of: serve, marker: "over HTTP at")
        let serveReady = try await Curl.poll(serveBase + "/readyz") { $0.status == 200 }
        #expect(serveReady.status == 200, "\(serveReady.body)")
        let served = try await Curl.request(serveBase + "/v1/users/t/recommendations?n=3")
        #expect(Self.items(served) == after, "serve: \(served.body)")
        #expect((served.json?["based_on"] as? [String: Any])?["event_time"] as? String == "2026-11-29T10:00:30.000Z")
        let unknown = try await Curl.request(serveBase + "/v1/users/nobody/recommendations")
        #expect(unknown.status == 404 && unknown.json?["error"] as? String == "not_found")
        serve.send(signal: SIGTERM)
        #expect(await serve.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(serve.stderr)")
    }

    /// `/metrics` read by prometheus_client: names, types, and the applied count.
    private func expectMetrics(at base: String, applied: Int) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "run scripts/install-python-client.sh (make test does) to get prometheus-client")
        // The gauges are refreshed once a second.
        let metrics = try await Curl.poll(base + "/metrics") { $0.body.contains("streamrec_users_in_memory 5.0") }
        let parsed = try await run(
            [packageRoot + "/Tests/Interop/parse_metrics.py"], executable: Self.python, stdin: metrics.body)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let families = try #require(
            try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: [String: Any]])
        let expected: [String: String] = [
            "streamrec_events_consumed": "counter", "streamrec_events_applied": "counter",
            "streamrec_dead_letters": "counter", "streamrec_consumer_lag_records": "gauge",
            "streamrec_batch_processing_seconds": "histogram", "streamrec_event_to_publish_seconds": "histogram",
            "streamrec_recommendations_published": "counter", "streamrec_checkpoint_seconds": "histogram",
            "streamrec_checkpoint_age_seconds": "gauge", "streamrec_users_in_memory": "gauge",
            "streamrec_users_on_disk": "gauge", "streamrec_live_hits": "counter",
            "streamrec_live_events_checked": "counter", "streamrec_live_hit_rate": "gauge",
            "streamrec_live_recall_at_10": "gauge",
        ]
        for (name, type) in expected {
            #expect(families[name]?["type"] as? String == type, "\(name): \(families[name] ?? [:])")
        }
        #expect(families["streamrec_events_applied"]?["sum"] as? Double == Double(applied))
        #expect(families["streamrec_events_applied"]?["labels"] as? [String] == ["partition"])
        #expect(families["streamrec_dead_letters"]?["labels"] as? [String] == ["reason"])
        #expect((families["streamrec_event_to_publish_seconds"]?["count"] as? Double ?? 0) >= 2)
    }
}
