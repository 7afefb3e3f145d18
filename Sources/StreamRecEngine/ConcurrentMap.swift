import Dispatch

/// `[transform(0), transform(1), …, transform(count - 1)]`, computed in chunks of
/// `chunk` indices on every core, or on the calling thread when there is only one
/// chunk. `transform` must only read shared state.
func concurrentMap<Element: Sendable>(count: Int, chunk: Int, _ transform: @Sendable (Int) -> Element) -> [Element] {
    let chunks = (count + chunk - 1) / chunk
    guard chunks > 1 else { return (0..<count).map(transform) }
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        let slots = Slots(base: buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for k in (c * chunk)..<min((c + 1) * chunk, count) {
                (slots.base + k).initialize(to: transform(k))
            }
        }
        initialized = count
    }
}

/// The result buffer, written at disjoint indices by the chunks.
private struct Slots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
