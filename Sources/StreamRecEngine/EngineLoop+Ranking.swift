import Foundation
import StreamRecCore

extension EngineLoop {
    /// Each refreshed user's update, ranked and encoded, with its item ids, in the
    /// order given. Ranking only reads the state, and the round after a large batch
    /// ranks hundreds of users, so a round is spread over every core (a user per
    /// chunk: one ranking is a tenth of a millisecond or more). Sending and the
    /// scheduler's bookkeeping stay on the processing thread, in order.
    func encodedUpdates(
        _ refreshes: [(user: String, source: Recommendation.Source)]
    ) -> [(bytes: [UInt8], items: [String])] {
        let topN = configuration.model.topN
        let exclude = configuration.engine.excludeConsumed
        let modelName = configuration.model.name
        let generatedAt = Int64(Date().timeIntervalSince1970 * 1000)
        let state = state
        return Parallel.map(count: refreshes.count, chunk: 1) { k in
            let items = state.recommend(for: refreshes[k].user, count: topN, excludeConsumed: exclude)
            let bytes = Recommendation(
                userID: refreshes[k].user, items: items,
                model: modelName, generatedAt: generatedAt, basedOn: refreshes[k].source
            ).encoded()
            return (bytes, items.map(\.itemID))
        }
    }

    /// Scores the published lists and the live model against a batch before it is
    /// applied (``LiveQuality``).
    func measureQuality(before events: [Event], now: UInt64) {
        let (hits, checked) = quality.check(events)
        if checked > 0 {
            metrics.liveHits.increment(by: Int64(hits))
            metrics.liveChecked.increment(by: Int64(checked))
        }
        let sample = quality.sample(count: events.count, now: now)
        guard !sample.isEmpty else { return }
        let exclude = configuration.engine.excludeConsumed
        // The copy lives only in this call: the batch is applied to an unshared state.
        let state = state
        let outcomes = Parallel.map(count: sample.count, chunk: 1) { k in
            let event = events[sample[k]]
            return state.recommend(for: event.userID, count: 10, excludeConsumed: exclude)
                .contains { $0.itemID == event.itemID }
        }
        quality.addRecall(outcomes)
    }

    /// Counts applied events per partition.
    func countApplied(_ positions: [IngestedBatch.Position]) {
        var k = 0
        while k < positions.count {
            let partition = positions[k].partition
            let first = k
            while k + 1 < positions.count, positions[k + 1].partition == partition { k += 1 }
            metrics.applied(k + 1 - first, partition: partition)
            k += 1
        }
    }
}
