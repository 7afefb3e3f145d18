/// A configuration that cannot be used, with what to change.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
