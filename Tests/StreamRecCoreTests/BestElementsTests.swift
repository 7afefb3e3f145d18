import Testing

@testable import StreamRecCore

@Suite("Top-N selection")
struct BestElementsTests {
    /// Scores with many ties, broken by index: a strict total order.
    func ranksAbove(_ a: (index: Int, score: Int), _ b: (index: Int, score: Int)) -> Bool {
        a.score != b.score ? a.score > b.score : a.index < b.index
    }

    @Test("Heap selection, quickselect and a full sort agree on the best N, for every N")
    func agreesWithSort() {
        var random = SeededRandom(seed: 7)
        for length in [0, 1, 2, 3, 10, 57, 300] {
            let elements = (0..<length).map { (index: $0, score: Int(random.next() % 20)) }
            let sorted = elements.sorted(by: ranksAbove)
            for limit in Set([0, 1, 2, length / 3, length / 2, length - 1, length, length + 5]) where limit >= 0 {
                let expected = Array(sorted.prefix(limit))
                #expect(bestElements(elements, limit: limit, by: ranksAbove).map(\.index) == expected.map(\.index))
                #expect(
                    Set(selectBest(elements, limit: limit, by: ranksAbove).map(\.index)) == Set(expected.map(\.index)))
                var kept = elements
                keepBest(&kept, limit: limit, by: ranksAbove)
                #expect(kept.count == expected.count)
                #expect(Set(kept.map(\.index)) == Set(expected.map(\.index)), "length \(length), limit \(limit)")
            }
        }
    }
}
