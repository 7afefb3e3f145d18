/// The `limit` best of `elements`, best first: the same result as sorting by
/// `ranksAbove` and taking a prefix, in O(n log limit) with a bounded heap. For
/// the many small top-N selections of a refresh (neighbours, candidates), where a
/// full sort of every candidate list dominated the engine's profile.
///
/// `ranksAbove` must be a strict total order over the elements (break score ties).
func bestElements<T>(_ elements: some Sequence<T>, limit: Int, by ranksAbove: (T, T) -> Bool) -> [T] {
    guard limit > 0 else { return [] }
    // A heap whose root is the worst element kept.
    var heap: [T] = []
    heap.reserveCapacity(limit)
    for element in elements {
        if heap.count < limit {
            heap.append(element)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard ranksAbove(heap[parent], heap[child]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if ranksAbove(element, heap[0]) {
            heap[0] = element
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var worst = parent
                if left < heap.count, ranksAbove(heap[worst], heap[left]) { worst = left }
                if right < heap.count, ranksAbove(heap[worst], heap[right]) { worst = right }
                guard worst != parent else { break }
                heap.swapAt(parent, worst)
                parent = worst
            }
        }
    }
    heap.sort(by: ranksAbove)
    return heap
}
