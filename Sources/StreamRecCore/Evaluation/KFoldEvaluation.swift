/// k-fold cross-validation of the rating model, as Surprise's `cross_validate`
/// does it: ratings shuffled with a fixed seed, split into k folds; for each fold
/// the model is fitted on the others in several passes and scored on it.
public enum KFoldEvaluation {
    public struct Fold: Sendable, Equatable {
        public var rmse: Double
        public var mae: Double
    }

    public static func run(
        ratings: [Event], folds: Int, schema: EventSchema, settings: ModelSettings, seed: UInt64
    ) -> [Fold] {
        var shuffled = ratings.filter { $0.type == schema.ratingType && $0.value != nil }
        var random = SeededRandom(seed: seed, stream: 9)
        shuffled.shuffle(using: &random)
        return (0..<folds).map { fold in
            var train: [Event] = []
            var test: [Event] = []
            for (index, rating) in shuffled.enumerated() {
                if index % folds == fold { test.append(rating) } else { train.append(rating) }
            }
            var model = BiasedMF(schema: schema, settings: settings)
            model.fit(train, epochs: settings.ratingEpochs)
            var squared = 0.0, absolute = 0.0
            for rating in test {
                let predicted = model.predictRating(user: rating.userID, item: rating.itemID) ?? model.globalMean
                let error =
                    min(max(predicted, schema.ratingRange.lowerBound), schema.ratingRange.upperBound) - rating.value!
                squared += error * error
                absolute += abs(error)
            }
            return Fold(rmse: (squared / Double(test.count)).squareRoot(), mae: absolute / Double(test.count))
        }
    }
}
