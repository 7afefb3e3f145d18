import DequeModule

/// The share of `true` among the last `capacity` outcomes.
struct RollingShare {
    let capacity: Int
    private var outcomes: Deque<Bool> = []
    private var trues = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func add(_ outcome: Bool) {
        if outcomes.count == capacity, outcomes.removeFirst() { trues -= 1 }
        outcomes.append(outcome)
        if outcome { trues += 1 }
    }

    /// nil before the first outcome.
    var share: Double? { outcomes.isEmpty ? nil : Double(trues) / Double(outcomes.count) }
}
