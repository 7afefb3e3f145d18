import Dispatch
import StreamRecCore

/// A user's recommendations as the live engine ranks them now.
package struct LiveRecommendations: Sendable, Equatable {
    package var userID: String
    package var items: [Recommendation.Item]
    /// The engine holds nothing of the user (no event of theirs in this
    /// instance's partitions): the items are the most popular ones.
    package var cold: Bool
}

/// Reads of the live state for the HTTP API. They run between batches (the
/// processing thread lets reads in while it waits for records, see
/// ``StateGate``), on a thread outside Swift's cooperative pool, since they may
/// wait for a batch to finish. A user the engine moved to its user store is
/// brought back by the processing thread itself, before the next batch.
extension StreamingEngine {
    /// The user's top `count`, consumed items left out as `engine.exclude_consumed`
    /// says; popular items for a user the engine does not hold. Throws when the
    /// user must come back from the store and the engine has stopped, or their
    /// stored state is damaged.
    package func recommendations(for user: String, count: Int) async throws(EngineError) -> LiveRecommendations {
        let first = try await read { loop -> Result<LiveRecommendations, EngineError>? in
            let exclude = loop.configuration.engine.excludeConsumed
            if loop.state.holdsUser(user) {
                return .success(Self.ranked(loop, user, count, exclude))
            }
            switch Result(catching: { () throws(EngineError) in try loop.storedPartition(of: user) }) {
            case .failure(let error): return .failure(error)
            case .success(nil): return .success(Self.cold(loop, user, count))
            case .success(.some): return nil
            }
        }
        if let first { return try first.get() }
        return try await onProcessingThread { loop in
            let exclude = loop.configuration.engine.excludeConsumed
            if let partition = try loop.storedPartition(of: user) { try loop.bringIn(user, partition: partition) }
            return loop.state.holdsUser(user) ? Self.ranked(loop, user, count, exclude) : Self.cold(loop, user, count)
        }
    }

    /// Items most often consumed with `item`; nil for an item the engine has not seen.
    package func similarItems(to item: String, count: Int) async throws(EngineError) -> [ScoredItem]? {
        try await read { loop in
            let features = loop.state.features
            return features.holdsItem(item) ? features.similar(to: item, limit: count) : nil
        }
    }

    /// The most popular items (time-decayed), or those trending now.
    package func popularItems(count: Int, trending: Bool) async throws(EngineError) -> [ScoredItem] {
        try await read { loop in
            trending ? loop.state.features.trending(limit: count) : loop.state.features.popular(limit: count)
        }
    }

    /// The user's features, bringing them back from the store if needed; nil for
    /// a user the engine does not hold.
    package func userFeatures(_ user: String) async throws(EngineError) -> UserFeatures? {
        let inMemory = try await read { loop in loop.state.features.userFeatures(user) }
        if let inMemory { return inMemory }
        return try await onProcessingThread { loop in
            guard let partition = try loop.storedPartition(of: user) else { return nil }
            try loop.bringIn(user, partition: partition)
            return loop.state.features.userFeatures(user)
        }
    }

    private static func ranked(_ loop: EngineLoop, _ user: String, _ count: Int, _ exclude: Bool) -> LiveRecommendations
    {
        LiveRecommendations(
            userID: user, items: loop.state.recommend(for: user, count: count, excludeConsumed: exclude), cold: false)
    }

    private static func cold(_ loop: EngineLoop, _ user: String, _ count: Int) -> LiveRecommendations {
        LiveRecommendations(
            userID: user,
            items: loop.state.features.popular(limit: count).map { .init(itemID: $0.itemID, score: $0.score) },
            cold: true)
    }

    /// `body` under the gate's read lock, on a dispatch thread; fails once the
    /// run has ended.
    private func read<T: Sendable>(_ body: @escaping @Sendable (EngineLoop) -> T) async throws(EngineError) -> T {
        guard let loop = readableLoop.withLock({ $0 }) else { throw Self.stopped }
        let gate = control.gate
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: gate.read { body(loop.wrappedValue) })
            }
        }
    }

    /// `body` on the processing thread between batches; fails once the loop has ended.
    private func onProcessingThread<T: Sendable>(
        _ body: @escaping @Sendable (EngineLoop) throws -> T
    ) async throws(EngineError) -> T {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, EngineError>, Never>) in
            let accepted = control.handOff { loop in
                continuation.resume(
                    returning: Result { try body(loop) }.mapError { ($0 as? EngineError) ?? EngineError("\($0)") })
            }
            if !accepted { continuation.resume(returning: .failure(Self.stopped)) }
        }
        return try result.get()
    }

    private static var stopped: EngineError { EngineError("the engine has stopped", code: .lifecycle) }
}
