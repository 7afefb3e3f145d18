/// The `limit` best of `elements`, best first: the same result as sorting by
/// `ranksAbove` and taking a prefix, in O(n log limit) with a bounded heap. For
/// the many small top-N selections of a refresh (neighbours, candidates), where a
/// full sort of every candidate list dominated the engine's profile.
///
/// `ranksAbove` must be a strict total order over the elements (break score ties).
func bestElements<T>(_ elements: some Sequence<T>, limit: Int, by ranksAbove: (T, T) -> Bool) -> [T] {
    var best = selectBest(elements, limit: limit, by: ranksAbove)
    best.sort(by: ranksAbove)
    return best
}

/// The `limit` best of `elements` in no particular order, for callers that only
/// need the set (a sum over it, a later selection).
func selectBest<T>(_ elements: some Sequence<T>, limit: Int, by ranksAbove: (T, T) -> Bool) -> [T] {
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
    return heap
}

/// Keeps only the `limit` best of `elements`, in no particular order, by
/// quickselect: O(n) on average, against the heap's O(n log limit). For a list
/// already in hand whose best third or so is wanted, such as an item's neighbour
/// table cut to its top-K on every refresh.
func keepBest<T>(_ elements: inout [T], limit: Int, by ranksAbove: (T, T) -> Bool) {
    guard limit < elements.count else { return }
    guard limit > 0 else { return elements.removeAll() }
    elements.withUnsafeMutableBufferPointer { buffer in
        var low = 0, high = buffer.count - 1
        // Invariant: the best `limit` are the best of low…high plus those before low.
        while low < high {
            // Median of three as the pivot, moved to `high`.
            let middle = low + (high - low) / 2
            if ranksAbove(buffer[middle], buffer[low]) { buffer.swapAt(middle, low) }
            if ranksAbove(buffer[high], buffer[low]) { buffer.swapAt(high, low) }
            if ranksAbove(buffer[middle], buffer[high]) { buffer.swapAt(middle, high) }
            let pivot = buffer[high]
            var store = low
            // Branch-free: every element is swapped and `store` advances by the
            // comparison, because which side an element falls on is a coin toss
            // the branch predictor loses half the time.
            for k in low..<high {
                let element = buffer[k]
                let above = ranksAbove(element, pivot)
                buffer[k] = buffer[store]
                buffer[store] = element
                store += above ? 1 : 0
            }
            buffer.swapAt(store, high)
            // buffer[store] is the (store + 1)-th best.
            if store == limit - 1 || store == limit { break }
            if store < limit { low = store + 1 } else { high = store - 1 }
        }
    }
    elements.removeLast(elements.count - limit)
}
