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
        arguments: [5, 16, 37, 300])
    func sameAsFullScan(capacity: Int) {
        var settings = FeatureSettings()
        settings.neighbours = 1
        settings.neighbourCapacity = capacity
        var table = ItemFeatureTable(typeCount: 1, attributeCount: 0, settings: settings)
        var references = [Reference](repeating: Reference(capacity: capacity), count: 3)
        table.ensure(2)
        var random = SeededRandom(seed: UInt64(capacity))
        for step in 0..<20_000 {
            let item = Int(random.next() % 3)
            // Few distinct weights, so that ties are common.
            let neighbour = Int32(random.next() % Self.neighbours(capacity)), weight = Double(random.next() % 3 + 1)
            table.addNeighbour(Int32(item), neighbour, stored: weight)
            references[item].add(neighbour, weight)
            // Renormalization scales every weight and rebuilds the block minima.
            if step % 7_000 == 6_999 { Self.halve(&table, &references) }
        }
        expectTables(table, references, capacity: capacity)
    }

    /// The flush's path: a group of one item's updates found through a map of
    /// positions, long groups and short ones, as in the engine's batches.
    @Test("Grouped updates found through positions give the plain scan's tables", arguments: [16, 300])
    func groupedSameAsFullScan(capacity: Int) {
        var settings = FeatureSettings()
        settings.neighbours = 1
        settings.neighbourCapacity = capacity
        var table = ItemFeatureTable(typeCount: 1, attributeCount: 0, settings: settings)
        let slots = Int(Self.neighbours(capacity))
        table.ensure(Int32(slots - 1))
        var references = [Reference](repeating: Reference(capacity: capacity), count: 3)
        var positions = [Int32](repeating: -1, count: slots)
        var random = SeededRandom(seed: UInt64(capacity) + 1)
        for round in 0..<400 {
            let item = Int32(random.next() % 3)
            let updates = (0..<(round % 2 == 0 ? 8 : 200)).map { _ in
                NeighbourUpdateBatch.Update(
                    item: item, neighbour: Int32(random.next() % UInt64(slots)), weight: Double(random.next() % 3 + 1))
            }
            for update in updates { references[Int(item)].add(update.neighbour, update.weight) }
            table.withNeighbourStorage { storage in
                updates.withUnsafeBufferPointer { updates in
                    positions.withUnsafeMutableBufferPointer {
                        storage.addNeighbours(item, updates, positions: $0.baseAddress!)
                    }
                }
            }
            if round == 250 { Self.halve(&table, &references) }
        }
        #expect(positions.allSatisfy { $0 == -1 })
        expectTables(table, references, capacity: capacity)
    }

    @Test("Successor tables replace as neighbour tables do")
    func successorsSameAsFullScan() {
        var settings = FeatureSettings()
        settings.successorCapacity = 24
        var table = ItemFeatureTable(typeCount: 1, attributeCount: 0, settings: settings)
        var reference = Reference(capacity: 24)
        table.ensure(0)
        var random = SeededRandom(seed: 5)
        for _ in 0..<5_000 {
            let successor = Int32(random.next() % 80), weight = Double(random.next() % 3 + 1)
            table.addSuccessor(0, successor, stored: weight)
            reference.add(successor, weight)
        }
        let count = reference.items.count
        #expect(Int(table.records[0].successorCount) == count)
        #expect(Array(table.successorItems[0..<count]) == reference.items)
        #expect(Array(table.successorWeights[0..<count]) == reference.weights)
    }

    /// Distinct neighbours drawn: three times the capacity, so that a full table keeps replacing.
    private static func neighbours(_ capacity: Int) -> UInt64 { UInt64(max(90, 3 * capacity)) }

    /// Halves every weight, as a renormalization does, tables and references alike.
    private static func halve(_ table: inout ItemFeatureTable, _ references: inout [Reference]) {
        for k in table.neighbourWeights.indices {
            table.neighbourWeights[k] *= 0.5
            table.neighbourErrors[k] *= 0.5
        }
        table.rebuildMinima()
        for r in references.indices {
            references[r].weights = references[r].weights.map { $0 * 0.5 }
            references[r].errors = references[r].errors.map { $0 * 0.5 }
        }
    }

    private func expectTables(_ table: ItemFeatureTable, _ references: [Reference], capacity: Int) {
        for item in references.indices {
            let base = item * capacity, count = references[item].items.count
            #expect(Int(table.records[item].neighbourCount) == count)
            #expect(Array(table.neighbourItems[base..<(base + count)]) == references[item].items)
            #expect(Array(table.neighbourWeights[base..<(base + count)]) == references[item].weights)
            #expect(Array(table.neighbourErrors[base..<(base + count)]) == references[item].errors)
        }
    }
}
