import Testing

@testable import StreamRecCore

@Suite("Row score sums")
struct RowScoresTests {
    @Test(
        "Sums per row equal a dictionary's, excluded rows never appear, past the expected size too",
        arguments: [4, 100, 1_000])
    func matchesDictionary(expected: Int) {
        var random = SeededRandom(seed: UInt64(expected))
        var scores = RowScores(expected: expected)
        var reference: [Int32: Double] = [:]
        var excluded: Set<Int32> = []
        for step in 0..<3_000 {
            let row = Int32(random.next() % 700)
            if step % 17 == 0 {
                scores.exclude(row)
                excluded.insert(row)
            } else {
                let score = Double(random.next() % 1_000) / 10
                scores.add(row, score)
                reference[row, default: 0] += score
            }
        }
        let summed = Dictionary(uniqueKeysWithValues: scores.summed.map { ($0.key, $0.value) })
        #expect(summed.count == reference.count { !excluded.contains($0.key) })
        for (row, sum) in reference where !excluded.contains(row) {
            #expect(summed[row] == sum, "row \(row)")
        }
        #expect(excluded.allSatisfy { summed[$0] == nil })
    }
}
