import Foundation

/// Test-then-learn evaluation (prequential, Gama et al.): for every event, first
/// ask each model for the user's top N (leaving out what the user already
/// consumed) and score whether the event's item is among them, then let it learn
/// the event. The same models run online in the engine.
public struct PrequentialEvaluation {
    public struct Options: Sendable {
        public var topN = 10
        /// Only events at or above this value count as hits to find (ratings ≥ 4,
        /// say); all events are still learned. nil: every event is a positive.
        public var positiveThreshold: Double?
        /// Events per point of the rolling Recall@N curve.
        public var rollingWindow = 1_000
        /// Events before this index are learned but not scored: figures over the
        /// rest of the stream only (the second half, say, after tuning on the first).
        public var scoreFrom = 0
        /// Which consumed items rankings leave out (the store's recommend-again settings).
        public var exclusion = FeatureSettings()
        public init() {}
    }

    /// One model's figures.
    public struct Result: Sendable {
        public var model: String
        public var events = 0
        /// Positives ranked for (every positive event).
        public var evaluated = 0
        /// Positives of users with history before the event.
        public var evaluatedKnown = 0
        public var hits = 0
        public var hitsKnown = 0
        /// Positives no ranking can hit under this protocol: the item's first
        /// appearance in the stream (no model has seen it), and an item the user
        /// already consumed and the exclusion policy leaves out of every list.
        /// The same for every model.
        public var unreachableNewItem = 0
        public var unreachableRepeat = 0
        public var ndcgSum = 0.0
        public var reciprocalRankSum = 0.0
        public var recommendedItems = Set<String>()
        public var catalogSize = 0
        public var squaredErrorSum = 0.0
        public var absoluteErrorSum = 0.0
        public var predictions = 0
        public var learnNanoseconds: UInt64 = 0
        public var rankNanoseconds: UInt64 = 0
        /// (event time, Recall@N over the last `rollingWindow` positives).
        public var rolling: [(time: Int64, recall: Double)] = []

        public var recall: Double { evaluated > 0 ? Double(hits) / Double(evaluated) : 0 }
        /// The Recall@N a perfect ranking would reach: the share of positives that can be hits.
        public var reachableRecall: Double {
            evaluated > 0 ? Double(evaluated - unreachableNewItem - unreachableRepeat) / Double(evaluated) : 0
        }
        public var recallKnown: Double { evaluatedKnown > 0 ? Double(hitsKnown) / Double(evaluatedKnown) : 0 }
        public var ndcg: Double { evaluated > 0 ? ndcgSum / Double(evaluated) : 0 }
        public var mrr: Double { evaluated > 0 ? reciprocalRankSum / Double(evaluated) : 0 }
        public var coverage: Double { catalogSize > 0 ? Double(recommendedItems.count) / Double(catalogSize) : 0 }
        public var rmse: Double? { predictions > 0 ? (squaredErrorSum / Double(predictions)).squareRoot() : nil }
        public var mae: Double? { predictions > 0 ? absoluteErrorSum / Double(predictions) : nil }
        public var learnEventsPerSecond: Double {
            learnNanoseconds > 0 ? Double(events) / (Double(learnNanoseconds) / 1e9) : 0
        }
        public var rankMillisecondsPerEvent: Double {
            evaluated > 0 ? Double(rankNanoseconds) / 1e6 / Double(evaluated) : 0
        }
    }

    /// Runs every model over `events` (in the order given: sort by event time first).
    /// `progress` is called every 1,000 events with the count done.
    public static func run(
        models: [any Recommender], events: [Event], ratingRange: ClosedRange<Double>, options: Options,
        progress: (Int) -> Void = { _ in }
    ) -> [Result] {
        var models = models
        var results = models.map { Result(model: $0.name) }
        var exclusion = ExclusionTracker(settings: options.exclusion)
        var catalog = Set<String>()
        var window = [[Bool]](repeating: [], count: models.count)
        for (index, event) in events.enumerated() {
            let seen = exclusion.excluded(for: event.userID)
            let known = exclusion.knows(event.userID)
            let positive =
                index >= options.scoreFrom
                && (options.positiveThreshold.map { (event.value ?? .infinity) >= $0 } ?? true)
            for m in models.indices {
                results[m].events += 1
                if positive {
                    let start = MonotonicClock.nanoseconds()
                    let ranked = models[m].recommend(for: event.userID, count: options.topN, excluding: seen)
                    results[m].rankNanoseconds += MonotonicClock.nanoseconds() - start
                    let rank = ranked.firstIndex { $0.itemID == event.itemID }.map { $0 + 1 }
                    results[m].evaluated += 1
                    if known { results[m].evaluatedKnown += 1 }
                    if !catalog.contains(event.itemID) {
                        results[m].unreachableNewItem += 1
                    } else if seen.contains(event.itemID) {
                        results[m].unreachableRepeat += 1
                    }
                    for item in ranked { results[m].recommendedItems.insert(item.itemID) }
                    if let rank {
                        results[m].hits += 1
                        if known { results[m].hitsKnown += 1 }
                        results[m].ndcgSum += 1 / log2(Double(rank) + 1)
                        results[m].reciprocalRankSum += 1 / Double(rank)
                    }
                    window[m].append(rank != nil)
                    if window[m].count == options.rollingWindow {
                        results[m].rolling.append(
                            (
                                event.timestampMilliseconds,
                                Double(window[m].filter { $0 }.count) / Double(window[m].count)
                            ))
                        window[m].removeAll(keepingCapacity: true)
                    }
                }
                if let rating = event.value,
                    let predicted = models[m].predictRating(user: event.userID, item: event.itemID)
                {
                    let error = min(max(predicted, ratingRange.lowerBound), ratingRange.upperBound) - rating
                    results[m].squaredErrorSum += error * error
                    results[m].absoluteErrorSum += abs(error)
                    results[m].predictions += 1
                }
                let start = MonotonicClock.nanoseconds()
                models[m].learn(event)
                results[m].learnNanoseconds += MonotonicClock.nanoseconds() - start
            }
            exclusion.record(
                user: event.userID, item: event.itemID, type: event.type, time: event.timestampMilliseconds)
            catalog.insert(event.itemID)
            if (index + 1) % 1_000 == 0 { progress(index + 1) }
        }
        for m in results.indices { results[m].catalogSize = catalog.count }
        return results
    }
}
