import ArgumentParser
import Foundation
import StreamRecCore

/// The engine's model work without Kafka: a MovieLens log learned in batches, as
/// `streamrec run` learns what one poll brings, each followed by a refresh of
/// every user the batch touched. Prints the time per 100,000 events of learning
/// and of ranking, the two figures `bench-engine.sh` reports as "apply" and "rank
/// and send", without the broker's noise.
struct EngineWorkBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-work",
        abstract: "Learning in batches and refreshing each batch's users, as the engine does, timed per 100k events."
    )

    @Option(help: "MovieLens u.data or ratings.dat.") var file: String
    @Option(help: "Model name, with the default settings.") var model = "hybrid"
    @Option(help: "Events per batch (the engine's batch_size caps one poll).") var batch = 20_000
    @Option(help: "Events at most.") var limit = 100_000
    @Option(help: "Passes over the log, each with a fresh model; the best is printed too.") var repeats = 3
    @Option(help: "model.hybrid_blend_interval, when not the default.") var blendInterval: Int?

    func run() throws {
        let events = try EngineLoadBenchmark.load(file, limit: limit)
        let schema = EventSchema()
        let features = FeatureSettings()
        var settings = ModelSettings()
        if let blendInterval { settings.hybridBlendInterval = blendInterval }
        var best = (learn: Double.infinity, rank: Double.infinity)
        for pass in 1...repeats {
            var recommender = try ModelCatalog.make(model, schema: schema, features: features, settings: settings)
            // A store of the engine's own when the model keeps none, as the engine does.
            var ownStore = recommender.featureStore == nil ? FeatureStore(schema: schema, settings: features) : nil
            var learnNanoseconds: UInt64 = 0
            var rankNanoseconds: UInt64 = 0
            var refreshes = 0
            var sink = 0.0
            for start in stride(from: 0, to: events.count, by: batch) {
                let slice = Array(events[start..<min(start + batch, events.count)])
                let learnStart = MonotonicClock.nanoseconds()
                ownStore?.apply(contentsOf: slice)
                recommender.learn(contentsOf: slice)
                let rankStart = MonotonicClock.nanoseconds()
                var seen = Set<String>()
                for event in slice where seen.insert(event.userID).inserted {
                    // As the engine ranks (EngineState.recommend).
                    let ranked =
                        if let ownStore {
                            recommender.recommend(
                                for: event.userID, count: 10, excluding: Set(ownStore.excludedItems(of: event.userID)))
                        } else {
                            recommender.recommendExcludingConsumed(for: event.userID, count: 10)
                        }
                    sink += ranked.first?.score ?? 0
                }
                refreshes += seen.count
                learnNanoseconds += rankStart - learnStart
                rankNanoseconds += MonotonicClock.nanoseconds() - rankStart
            }
            let per100k = 100_000 / Double(events.count) / 1e6
            let learn = Double(learnNanoseconds) * per100k
            let rank = Double(rankNanoseconds) * per100k
            best = (min(best.learn, learn), min(best.rank, rank))
            print(
                String(
                    format:
                        "ENGINE-WORK model=%@ pass=%d events=%d batch=%d refreshes=%d learn_ms_per_100k=%.1f rank_ms_per_100k=%.1f rank_us_per_refresh=%.1f %@",
                    model, pass, events.count, batch, refreshes, learn, rank,
                    Double(rankNanoseconds) / 1e3 / Double(max(refreshes, 1)), sink.isNaN ? "!" : ""))
        }
        print(String(format: "ENGINE-WORK best learn_ms_per_100k=%.1f rank_ms_per_100k=%.1f", best.learn, best.rank))
    }
}
