import Foundation
import StreamRecTestSupport
import Testing

@Suite("streamrec evaluate", .timeLimit(.minutes(2)), .temporaryDirectories)
struct EvaluateCommandTests {
    /// A small ratings log in u.data format: 60 users with tastes in 3 groups of items.
    static func ratingsLog() throws -> String {
        var lines: [String] = []
        var state: UInt64 = 3
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for index in 0..<3_000 {
            let user = next() % 60
            let item = (user % 3) * 40 + next() % 40  // each user mostly rates its group's items
            lines.append("\(user)\t\(item)\t\(1 + next() % 5)\t\(880_000_000 + index * 60)")
        }
        return try temporaryFile("u.data", lines.joined(separator: "\n") + "\n")
    }

    @Test("--score-from 0.5 learns the first half unscored and scores the second half only")
    func scoreFromSecondHalf() async throws {
        let file = try Self.ratingsLog()
        let whole = try await run(["evaluate", file, "--models", "popularity,transitions", "--json", "--no-progress"])
        let half = try await run([
            "evaluate", file, "--models", "popularity,transitions", "--json", "--no-progress", "--score-from", "0.5",
        ])
        #expect(half.status == 0, "\(half.stderr)")
        let wholeJSON = try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as! [String: Any]
        let halfJSON = try JSONSerialization.jsonObject(with: Data(half.stdout.utf8)) as! [String: Any]
        #expect(halfJSON["scored_from"] as? Int == 1_500)
        let models = try #require(halfJSON["models"] as? [[String: Any]])
        #expect(models.map { $0["evaluated"] as? Int } == [1_500, 1_500])
        // Learned from the first half, scored on the second: not the whole stream's figure.
        let wholeModels = try #require(wholeJSON["models"] as? [[String: Any]])
        #expect(wholeModels.map { $0["evaluated"] as? Int } == [3_000, 3_000])
        let bad = try await run(["evaluate", file, "--score-from", "1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--score-from"))
    }

    @Test("--recommend-again makes a return to a viewed item reachable, and a hit for popularity; a purchase stays out")
    func recommendAgain() async throws {
        // Ten users view a, b, c in turn; then u views a, b, c, buys d, views a again and then d again.
        var lines: [String] = []
        func add(_ user: String, _ item: String, _ type: String) {
            lines.append(
                "{\"user_id\":\"\(user)\",\"item_id\":\"\(item)\",\"type\":\"\(type)\",\"timestamp\":\(1_750_000_000_000 + lines.count * 1_000)}"
            )
        }
        for k in 0..<10 { for item in ["a", "b", "c", "d"] { add("o\(k)", item, "view") } }
        for (item, type) in [
            ("a", "view"), ("b", "view"), ("c", "view"), ("d", "purchase"), ("a", "view"), ("d", "view"),
        ] {
            add("u", item, type)
        }
        let file = try temporaryFile("events.jsonl", lines.joined(separator: "\n") + "\n")
        func unreachableRepeats(_ extra: [String]) async throws -> (repeats: Int?, hits: Double?) {
            let result = try await run(["evaluate", file, "--models", "popularity", "--json", "--no-progress"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let unreachable = json["unreachable"] as? [String: Any]
            let model = (json["models"] as? [[String: Any]])?.first
            return (unreachable?["repeat_of_consumed"] as? Int, model?["recall_at_10"] as? Double)
        }
        // Every repeat left out: u's two returns.
        let all = try await unreachableRepeats([])
        #expect(all.repeats == 2)
        // Views back after 2 items: u's return to a (3 items ago) is reachable, and popularity ranks it.
        let again = try await unreachableRepeats(["--recommend-again", "view", "--recommend-again-after", "2"])
        #expect(again.repeats == 1, "the return to the bought d is still left out")
        #expect((again.hits ?? 0) > (all.hits ?? 0))
        let bad = try await run(["evaluate", file, "--recommend-again", "pageview"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("'pageview', not an event type"), "\(bad.stderr)")
    }

    @Test("--json reports every requested model with the documented fields; --plot writes an SVG")
    func prequentialJSON() async throws {
        let file = try Self.ratingsLog()
        let plot = (file as NSString).deletingLastPathComponent + "/recall.svg"
        let result = try await run([
            "evaluate", file, "--models", "popularity,isgd,raisgd,bpr,biased-mf,cooccurrence,hybrid",
            "--json", "--plot", plot, "--no-progress",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(json["dataset"] as? String == "u.data")
        #expect(json["events"] as? Int == 3_000)
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(
            models.map { $0["model"] as? String } == [
                "popularity", "isgd", "raisgd", "bpr", "biased-mf", "cooccurrence", "hybrid",
            ])
        for model in models {
            for key in [
                "recall_at_10", "ndcg_at_10", "mrr_at_10", "coverage", "rmse", "mae", "learn_events_per_second",
                "rank_ms_per_event",
            ] {
                #expect(model.keys.contains(key), "\(model["model"]!) lacks \(key)")
            }
            let recall = try #require(model["recall_at_10"] as? Double)
            #expect((0...1).contains(recall))
        }
        #expect(models.first { $0["model"] as? String == "biased-mf" }?["rmse"] is Double)
        #expect(models.first { $0["model"] as? String == "bpr" }?["rmse"] is NSNull)
        // Users stay inside their item group, so co-occurrence finds far more than popularity.
        let recall = Dictionary(
            uniqueKeysWithValues: models.map { ($0["model"] as! String, $0["recall_at_10"] as! Double) })
        #expect(recall["cooccurrence"]! > recall["popularity"]!)
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 7)
    }

    @Test("--protocol kfold gives per-fold and mean RMSE/MAE for biased MF")
    func kfold() async throws {
        let file = try Self.ratingsLog()
        let result = try await run(["evaluate", file, "--protocol", "kfold", "--folds", "3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect((json["folds"] as? [[String: Double]])?.count == 3)
        let model = try #require((json["models"] as? [[String: Any]])?.first)
        #expect(model["model"] as? String == "biased-mf")
        #expect(((model["rmse"] as? Double) ?? 0) > 0)
    }

    @Test("An unknown model is a usage error naming the known ones")
    func unknownModel() async throws {
        let result = try await run(["evaluate", "u.data", "--models", "svd++"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown model 'svd++'"))
        #expect(result.stderr.contains("bpr"))
    }
}
