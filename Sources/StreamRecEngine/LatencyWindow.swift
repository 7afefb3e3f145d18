/// The last `capacity` latencies, for percentiles computed now and then.
struct LatencyWindow {
    let capacity: Int
    private var samples: [Double] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = capacity
        samples.reserveCapacity(capacity)
    }

    mutating func add(milliseconds: Double) {
        if samples.count < capacity {
            samples.append(milliseconds)
        } else {
            samples[next] = milliseconds
        }
        next = (next + 1) % capacity
    }

    /// The p-th percentile (0…100) by nearest rank; nil with no samples.
    func percentiles(_ ps: [Double]) -> [Double]? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        return ps.map { p in
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
    }
}
