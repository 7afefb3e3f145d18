/// A failure of the streaming engine that is not Kafka's: unreadable state, a
/// state directory that does not match the configuration, a bad option.
package struct EngineError: Error, CustomStringConvertible, Sendable {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
