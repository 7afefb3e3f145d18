/// Event-type weights as the models use them: a rating counts as one event; an
/// implicit event as its type's weight relative to the lightest type, times its value.
struct EventWeights: Sendable, Equatable {
    /// (type, relative weight), scanned: cheaper than hashing the type per event.
    let weights: [(type: String, weight: Double)]
    let ratingType: String

    init(_ schema: EventSchema) {
        let lightest = schema.weights.values.filter { $0 > 0 }.min() ?? 1
        weights = schema.weights.sorted { $0.key < $1.key }.map { ($0.key, $0.value / lightest) }
        ratingType = schema.ratingType
    }

    func weight(of event: Event) -> Double {
        if event.type == ratingType { return 1 }
        return (weights.first { $0.type == event.type }?.weight ?? 1) * (event.value ?? 1)
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.ratingType == rhs.ratingType && lhs.weights.elementsEqual(rhs.weights, by: ==)
    }
}
