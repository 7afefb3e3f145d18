/// Carries a value the compiler cannot prove sendable into code that runs on
/// another thread: the one escape hatch for sendability in StreamRec's own code
/// (the Kafka layer's C handles document theirs where they are declared).
///
/// `@unchecked Sendable`: whoever wraps a value promises that the threads which
/// reach it never touch the same memory at once — disjoint indices of a buffer,
/// disjoint items' tables, or a value handed from one thread to the next with no
/// overlap. Each use says which of these holds.
package struct UnsafeTransfer<Wrapped>: @unchecked Sendable {
    package var wrappedValue: Wrapped

    @inlinable
    package init(_ wrappedValue: Wrapped) {
        self.wrappedValue = wrappedValue
    }
}
