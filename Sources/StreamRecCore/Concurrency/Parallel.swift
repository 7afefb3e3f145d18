import Dispatch

/// Fork-join helpers: the calling thread hands parts of one piece of work to
/// the cores and returns when every part is done, so the state still has one
/// owner between calls.
///
/// Inlinable, so that callers in other modules get code specialized for their
/// element type: unspecialized, `map` made decoding a batch a quarter slower.
package enum Parallel {
    /// Runs `first` on `a` and `second` on `b` on two threads at once. `a` and `b`
    /// must share no storage: each is reached by one thread only.
    @inlinable
    package static func run<A, B>(
        _ a: inout A,
        _ b: inout B,
        _ first: (inout A) -> Void,
        _ second: (inout B) -> Void
    ) {
        withUnsafeMutablePointer(to: &a) { a in
            withUnsafeMutablePointer(to: &b) { b in
                withoutActuallyEscaping(first) { first in
                    withoutActuallyEscaping(second) { second in
                        // Each thread reaches only its own value and closure.
                        let work = UnsafeTransfer((a, b, first, second))
                        DispatchQueue.concurrentPerform(iterations: 2) { part in
                            let (a, b, first, second) = work.wrappedValue
                            if part == 0 { first(&a.pointee) } else { second(&b.pointee) }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body(part)` for every part in `0..<parts`, on every core; on the
    /// calling thread alone when there is one part.
    @inlinable
    package static func forEach(parts: Int, _ body: @Sendable (Int) -> Void) {
        if parts == 1 {
            body(0)
        } else if parts > 1 {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// `[transform(0), …, transform(count - 1)]`, computed in chunks of `chunk`
    /// indices on every core. `transform` must only read shared state.
    @inlinable
    package static func map<Element: Sendable>(
        count: Int,
        chunk: Int,
        _ transform: @Sendable (Int) -> Element
    ) -> [Element] {
        let chunks = (count + chunk - 1) / chunk
        guard chunks > 1 else { return (0..<count).map(transform) }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each chunk initializes its own indices of the buffer.
            let base = UnsafeTransfer(buffer.baseAddress!)
            forEach(parts: chunks) { c in
                for k in (c * chunk)..<min((c + 1) * chunk, count) {
                    (base.wrappedValue + k).initialize(to: transform(k))
                }
            }
            initialized = count
        }
    }
}
