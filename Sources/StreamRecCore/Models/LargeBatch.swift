import Dispatch

/// When a batch of events is large enough for batch-wide work to pay: updating
/// independent parts of the state on two threads, or preparing once what the
/// refreshes that follow it (one per user it touched) all need. Below it, handing
/// work to another thread or preparing ahead costs more than it saves.
public enum LargeBatch {
    public static let minimumEvents = 64

    /// Runs `first` on `a` and `second` on `b` on two threads at once and returns
    /// when both are done. `a` and `b` must share no storage: each is reached by
    /// one thread only.
    public static func inParallel<A, B>(_ a: inout A, _ b: inout B, _ first: (inout A) -> Void, _ second: (inout B) -> Void) {
        withUnsafeMutablePointer(to: &a) { a in
            withUnsafeMutablePointer(to: &b) { b in
                withoutActuallyEscaping(first) { first in
                    withoutActuallyEscaping(second) { second in
                        let parts = Parts(a: a, b: b, first: first, second: second)
                        DispatchQueue.concurrentPerform(iterations: 2) { part in parts.run(part) }
                    }
                }
            }
        }
    }

    /// Two values and their work, each part run by one thread.
    private struct Parts<A, B>: @unchecked Sendable {
        let a: UnsafeMutablePointer<A>
        let b: UnsafeMutablePointer<B>
        let first: (inout A) -> Void
        let second: (inout B) -> Void

        func run(_ part: Int) {
            if part == 0 { first(&a.pointee) } else { second(&b.pointee) }
        }
    }
}
