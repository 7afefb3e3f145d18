import Foundation
import StreamRecCore

extension EngineLoop {
    /// Each refreshed user's update, ranked and encoded, in the order given.
    /// Ranking only reads the state, and the round after a large batch ranks
    /// hundreds of users, so a round is spread over every core (a user per chunk:
    /// one ranking is a tenth of a millisecond or more). Sending and the
    /// scheduler's bookkeeping stay on the processing thread, in order.
    func encodedUpdates(_ refreshes: [(user: String, source: Recommendation.Source)]) -> [[UInt8]] {
        let topN = configuration.model.topN
        let exclude = configuration.engine.excludeConsumed
        let modelName = configuration.model.name
        let generatedAt = Int64(Date().timeIntervalSince1970 * 1000)
        let state = state
        return Parallel.map(count: refreshes.count, chunk: 1) { k in
            Recommendation(
                userID: refreshes[k].user,
                items: state.recommend(for: refreshes[k].user, count: topN, excludeConsumed: exclude),
                model: modelName, generatedAt: generatedAt, basedOn: refreshes[k].source
            ).encoded()
        }
    }
}
