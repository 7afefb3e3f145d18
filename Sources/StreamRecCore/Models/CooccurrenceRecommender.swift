/// Incremental item-kNN from the feature store's co-occurrence: a user's score
/// for an item is the sum of its similarity to the user's most recent items.
public struct CooccurrenceRecommender: Recommender {
    public var name: String { "cooccurrence" }
    public internal(set) var store: FeatureStore
    let recentItems: Int
    let neighbours: Int

    public init(schema: EventSchema, features: FeatureSettings, settings: ModelSettings) {
        var features = features
        features.recentItems = max(features.recentItems, settings.cooccurrenceRecentItems, settings.cooccurrenceWindow)
        features.cooccurrence = true
        features.cooccurrenceWindow = settings.cooccurrenceWindow
        features.neighbours = settings.cooccurrenceNeighbours
        features.neighbourCapacity = max(features.neighbourCapacity, 3 * settings.cooccurrenceNeighbours)
        store = FeatureStore(schema: schema, settings: features)
        recentItems = settings.cooccurrenceRecentItems
        neighbours = features.neighbours
    }

    public mutating func learn(_ event: Event) {
        store.apply(event)
    }

    public func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        guard let features = store.userFeatures(user) else { return [] }
        var scores: [String: Double] = [:]
        for recent in features.recentItems.prefix(recentItems) {
            for neighbour in store.similar(to: recent.itemID, limit: neighbours) where !excluded.contains(neighbour.itemID) {
                scores[neighbour.itemID, default: 0] += neighbour.score
            }
        }
        return FeatureStore.top(scores.map { ScoredItem(itemID: $0.key, score: $0.value, events: 0) }, count)
    }
}
