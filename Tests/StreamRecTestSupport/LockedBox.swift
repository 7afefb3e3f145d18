import Synchronization

/// A value that closures on several threads share, behind a lock: for callbacks
/// that record what they saw while a test reads it.
public final class LockedBox<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    public init(_ value: Value) {
        self.value = Mutex(value)
    }

    public func withLock<R>(_ body: (inout Value) -> R) -> R {
        value.withLock { body(&$0) }
    }
}
