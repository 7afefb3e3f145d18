import Foundation
import Hummingbird
import HummingbirdTesting
import StreamRecCore
import StreamRecHTTP
import Testing

/// Every route through Hummingbird's router test framework (no port): statuses,
/// exact shapes, input checks and tokens.
@Suite struct RouterTests {
    static func application(
        _ backend: FixedBackend = FixedBackend(), settings: APISettings = APISettings()
    ) -> some ApplicationProtocol {
        Application(router: APIRouter.make(backend: backend, settings: settings, metrics: nil))
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The `error` code of an error body, or nil.
    static func code(_ response: TestResponse) -> String? {
        (try? json(response))?["error"] as? String
    }

    static func detail(_ response: TestResponse) -> String? {
        (try? json(response))?["detail"] as? String
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func userRecommendationsHaveTheDocumentedShape() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/v1/users/u1/recommendations?n=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(
                    Self.text(response)
                        == #"{"cold":false,"recommendations":[{"item_id":"a","score":1}],"user_id":"u1"}"#)
            }
            try await client.execute(uri: "/v1/users/stranger/recommendations", method: .get) { response in
                let body = try Self.json(response)
                #expect(body["cold"] as? Bool == true)
                #expect((body["recommendations"] as? [[String: Any]])?.map { $0["item_id"] as? String } == ["p", "q"])
            }
        }
    }

    @Test func classicRecommendKeepsTheFlaskShape() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(
                uri: "/recommend", method: .post, body: ByteBuffer(string: #"{"user_id": "u1", "top_n": 2}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    Self.text(response)
                        == #"{"recommendations":[{"item_id":"a","score":1},{"item_id":"b","score":0.5}],"user_id":"u1"}"#
                )
            }
            try await client.execute(
                uri: "/recommend", method: .post, body: ByteBuffer(string: #"{"user_id": "u1"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            for bad in [#"{"top_n": 2}"#, "not json", #"{"user_id": "u1", "top_n": 0}"#, #"{"user_id": ""}"#] {
                try await client.execute(uri: "/recommend", method: .post, body: ByteBuffer(string: bad)) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(Self.detail(response) != nil)
                }
            }
        }
    }

    @Test func badParametersAndIdsAre400WithTheEventReason() async throws {
        try await Self.application().test(.router) { client in
            for uri in [
                "/v1/users/u1/recommendations?n=0", "/v1/users/u1/recommendations?n=x", "/v1/items/popular?n=5000",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(Self.code(response) == "bad_request")
                }
            }
            let long = String(repeating: "x", count: 257)
            try await client.execute(uri: "/v1/users/\(long)/recommendations", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(Self.code(response) == "id_too_long")
            }
            try await client.execute(uri: "/v1/items/popular?trending=maybe", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            for uri in ["/v1/users/u1/recommendations/stream?interval_ms=5", "/v1/users/u1/recommendations/stream?n=0"]
            {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(Self.code(response) == "bad_request")
                }
            }
        }
    }

    @Test func unknownRoutesAndUnknownThingsAre404InJSON() async throws {
        try await Self.application().test(.router) { client in
            for uri in ["/nothing/here", "/v1/items/zzz/similar", "/v1/users/stranger/features"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    let body = try Self.json(response)
                    #expect(body["error"] as? String == "not_found")
                    #expect(body["detail"] is String)
                }
            }
        }
    }

    @Test func itemAndFeatureRoutes() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/v1/items/popular?n=1", method: .get) { response in
                #expect(Self.text(response) == #"{"items":[{"item_id":"p","score":9}],"trending":false}"#)
            }
            try await client.execute(uri: "/v1/items/popular?trending=true", method: .get) { response in
                #expect(Self.text(response) == #"{"items":[],"trending":true}"#)
            }
            try await client.execute(uri: "/v1/items/a/similar", method: .get) { response in
                #expect(Self.text(response) == #"{"item_id":"a","items":[{"item_id":"b","score":0.7}]}"#)
            }
            try await client.execute(uri: "/v1/users/u1/features", method: .get) { response in
                let body = try Self.json(response)
                #expect(body["user_id"] as? String == "u1")
                #expect(body["events"] as? Int == 1)
            }
        }
    }

    @Test func eventsAreAllSentOrNoneWithEachRejectionNamed() async throws {
        let backend = FixedBackend()
        try await Self.application(backend).test(.router) { client in
            let valid =
                #"[{"user_id":"u9","item_id":"i1","type":"view","timestamp":"2026-11-29T10:00:00Z"},"#
                + #"{"user_id":"u9","item_id":"i2","type":"purchase","timestamp":1764410400000}]"#
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: valid)) { response in
                #expect(response.status == .accepted)
                #expect(Self.text(response) == #"{"accepted":2,"topic":"streamrec.events"}"#)
            }
            #expect(backend.sent.withLock { $0.map(\.itemID) } == ["i1", "i2"])

            let one = #"{"user_id":"u9","item_id":"i3","type":"click","timestamp":"2026-11-29T10:00:00Z"}"#
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: one)) { response in
                #expect(response.status == .accepted)
            }
            let mixed =
                #"[{"user_id":"u9","item_id":"i4","type":"view","timestamp":"2026-11-29T10:00:00Z"},"#
                + #"{"user_id":"","item_id":"i5","type":"view","timestamp":"2026-11-29T10:00:00Z"}, 7,"#
                + #"{"user_id":"u9","item_id":"i6","type":"teleport","timestamp":"2026-11-29T10:00:00Z"}]"#
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: mixed)) { response in
                #expect(response.status == .badRequest)
                let body = try Self.json(response)
                #expect(body["error"] as? String == "invalid_events")
                let rejected = try #require(body["rejected"] as? [[String: Any]])
                #expect(rejected.map { $0["index"] as? Int } == [1, 2, 3])
                #expect(rejected.map { $0["reason"] as? String } == ["empty_id", "wrong_type", "unknown_event_type"])
            }
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: "{oops")) { response in
                #expect(response.status == .badRequest)
                #expect(Self.code(response) == "malformed_json")
            }
        }
        #expect(backend.sent.withLock { $0.count } == 3)
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        var settings = APISettings()
        settings.maxBodyBytes = 100
        try await Self.application(settings: settings).test(.router) { client in
            let big = ByteBuffer(string: #"{"user_id": "u1", "pad": ""# + String(repeating: "x", count: 200) + #""}"#)
            for uri in ["/recommend", "/v1/events"] {
                try await client.execute(uri: uri, method: .post, body: big) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    #expect(Self.code(response) == "too_large")
                }
            }
        }
    }

    @Test func tokensGuardWritesAndWhenSetReads() async throws {
        var settings = APISettings()
        settings.writeToken = "w-secret"
        settings.readToken = "r-secret"
        let body = ByteBuffer(string: #"{"user_id": "u1"}"#)
        try await Self.application(settings: settings).test(.router) { client in
            try await client.execute(uri: "/recommend", method: .post, body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="streamrec""#)
                #expect(Self.code(response) == "unauthorized")
                #expect(!Self.text(response).contains("secret"))
            }
            for (token, status) in [("r-secret", HTTPResponse.Status.unauthorized), ("w-secret", .ok)] {
                try await client.execute(
                    uri: "/recommend", method: .post, headers: [.authorization: "Bearer \(token)"], body: body
                ) { response in
                    #expect(response.status == status, "\(token)")
                }
            }
            try await client.execute(uri: "/v1/users/u1/recommendations", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            for token in ["r-secret", "w-secret"] {
                try await client.execute(
                    uri: "/v1/users/u1/recommendations", method: .get, headers: [.authorization: "Bearer \(token)"]
                ) { response in
                    #expect(response.status == .ok)
                }
            }
            for open in ["/healthz", "/readyz", "/"] {
                try await client.execute(uri: open, method: .get) { response in
                    #expect(response.status == .ok, "\(open)")
                }
            }
        }
    }

    @Test func readinessIs503WithTheReason() async throws {
        try await Self.application(FixedBackend(notReady: "partitions are being assigned or restored")).test(.router) {
            client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(
                    Self.text(response)
                        == #"{"detail":"partitions are being assigned or restored","error":"not_ready"}"#)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(Self.text(response) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func theReadServiceHasNoEngineRoutes() async throws {
        try await Self.application(FixedBackend(hasEngine: false)).test(.router) { client in
            for (uri, method) in [
                ("/v1/items/popular", HTTPRequest.Method.get), ("/v1/users/u1/features", .get), ("/v1/events", .post),
            ] {
                try await client.execute(uri: uri, method: method, body: ByteBuffer(string: "[]")) { response in
                    #expect(response.status == .notFound, "\(uri)")
                }
            }
            try await client.execute(uri: "/v1/users/stranger/recommendations", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/stats", method: .get) { response in
                #expect(Self.text(response).contains(#""role":"serve""#))
            }
        }
    }

    @Test func theDashboardIsOnePageWithNothingFetchedFromElsewhere() async throws {
        try await Self.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = Self.text(response)
                #expect(page.contains("chart-throughput"))
                #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("<script src"))
            }
        }
    }
}
