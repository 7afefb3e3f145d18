import StreamRecCore

/// The HTTP API of `streamrec serve`: lists as the engine last published them,
/// from ``RecommendationTable``.
package struct TopicBackend: APIBackend {
    let table: RecommendationTable

    package init(table: RecommendationTable) {
        self.table = table
    }

    package var engine: (any EngineBackend)? { nil }

    package func recommendations(for user: String, count: Int) async throws -> ServedRecommendations? {
        guard let list = table.list(of: user) else { return nil }
        return ServedRecommendations(
            userID: user, items: Array(list.items.prefix(count)), cold: false, basedOn: list.basedOn,
            generatedAt: list.generatedAt)
    }

    package func notReadyReason() async -> String? {
        if let failure = table.failure { return "reading the recommendations topic failed: \(failure)" }
        return table.caughtUp ? nil : "still reading the recommendations topic (\(table.lag) records to go)"
    }

    package func stats() async -> APIStats {
        var stats = APIStats(role: "serve")
        stats.usersServed = table.userCount
        stats.topicLag = table.lag
        return stats
    }
}
