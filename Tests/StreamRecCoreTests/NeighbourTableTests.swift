import Testing

@testable import StreamRecCore

@Suite("Neighbour tables")
struct NeighbourTableTests {
    /// The space-saving update as first written: scan for the neighbour, append
    /// while there is room, else replace the first of the lightest entries.
    struct Reference {
        var items: [Int32] = []
        var weights: [Double] = []
        var errors: [Double] = []
        let capacity: Int

        mutating func add(_ neighbour: Int32, _ weight: Double) {
            if let found = items.firstIndex(of: neighbour) {
                weights[found] += weight
            } else if items.count < capacity {
                items.append(neighbour)
                weights.append(weight)
                errors.append(0)
            } else {
                let weakest = weights.indices.min { weights[$0] < weights[$1] }!
                items[weakest] = neighbour
                errors[weakest] = weights[weakest]
                weights[weakest] += weight
            }
        }
    }

    @Test(
        "A full table replaces the first of its lightest entries, as a plain scan finds it, ties included",
        arguments: [5, 16, 37])
    func sameAsFullScan(capacity: Int) {
        var settings = FeatureSettings()
        settings.neighbours = 1
        settings.neighbourCapacity = capacity
        var table = ItemFeatureTable(typeCount: 1, attributeCount: 0, settings: settings)
        var references = [Reference](repeating: Reference(capacity: capacity), count: 3)
        table.ensure(2)
        var random = SeededRandom(seed: UInt64(capacity))
        for _ in 0..<20_000 {
            let item = Int(random.next() % 3)
            // Few distinct weights, so that ties are common.
            let neighbour = Int32(random.next() % 90), weight = Double(random.next() % 3 + 1)
            table.addNeighbour(Int32(item), neighbour, stored: weight)
            references[item].add(neighbour, weight)
        }
        for item in 0..<3 {
            let base = item * capacity, count = references[item].items.count
            #expect(Int(table.records[item].neighbourCount) == count)
            #expect(Array(table.neighbourItems[base..<(base + count)]) == references[item].items)
            #expect(Array(table.neighbourWeights[base..<(base + count)]) == references[item].weights)
            #expect(Array(table.neighbourErrors[base..<(base + count)]) == references[item].errors)
        }
    }
}
