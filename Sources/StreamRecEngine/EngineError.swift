/// A failure of the streaming engine that is not Kafka's: unreadable state, a
/// state directory that does not match the configuration, a bad option.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
