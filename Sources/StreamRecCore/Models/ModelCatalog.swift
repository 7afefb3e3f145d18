/// The models `evaluate --models` and the engine can run, by name.
public enum ModelCatalog {
    public static let names = [
        "isgd", "raisgd", "bpr", "biased-mf", "popularity", "popularity-cumulative", "popularity-recent",
        "cooccurrence", "transitions", "category-popularity", "hybrid",
    ]

    /// A fresh model. Throws for an unknown name, listing the known ones.
    public static func make(
        _ name: String, schema: EventSchema, features: FeatureSettings, settings: ModelSettings
    ) throws(StreamRecError) -> any Recommender {
        switch name {
        case "isgd": return ISGD(schema: schema, settings: settings)
        case "raisgd": return ISGD(schema: schema, settings: settings, recencyNegatives: true)
        case "bpr": return OnlineBPR(schema: schema, settings: settings)
        case "biased-mf": return BiasedMF(schema: schema, settings: settings)
        case "popularity": return PopularityRecommender(schema: schema, halfLifeHours: features.popularityHalfLifeHours)
        case "popularity-cumulative": return PopularityRecommender(schema: schema, halfLifeHours: nil)
        case "popularity-recent":
            return PopularityRecommender(
                schema: schema, halfLifeHours: settings.recentPopularityHalfLifeHours, name: "popularity-recent")
        case "cooccurrence": return CooccurrenceRecommender(schema: schema, features: features, settings: settings)
        case "transitions":
            return CooccurrenceRecommender(schema: schema, features: features, settings: settings, ranking: .successors)
        case "category-popularity":
            return CooccurrenceRecommender(schema: schema, features: features, settings: settings, ranking: .categories)
        case "hybrid":
            guard settings.hybridBase != "hybrid" else {
                throw StreamRecError.configuration("model.hybrid_base cannot be 'hybrid'")
            }
            return HybridRecommender(
                base: try make(settings.hybridBase, schema: schema, features: features, settings: settings),
                cooccurrence: CooccurrenceRecommender(
                    schema: schema, features: features, settings: settings, keepsSuccessors: true),
                popularity: PopularityRecommender(schema: schema, halfLifeHours: features.popularityHalfLifeHours),
                recentPopularity: HybridRecommender.recentPopularity(schema: schema, settings: settings),
                settings: settings)
        default:
            throw StreamRecError.configuration(
                "unknown model '\(name)'; models are \(names.joined(separator: ", "))")
        }
    }
}
