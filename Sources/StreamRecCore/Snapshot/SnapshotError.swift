/// A snapshot that cannot be restored, and why. Restoring never yields a
/// partially loaded state: it succeeds whole or throws this.
public struct SnapshotError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
