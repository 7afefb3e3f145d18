/// A failure of the streaming engine that is not Kafka's: unreadable state, a
/// state directory that does not match the configuration or is in use, a bad
/// option.
package struct EngineError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, for callers that branch on it. Extensible.
    package struct Code: Hashable, Sendable {
        let name: String

        /// State that cannot be read, written or used with this configuration.
        package static let state = Code(name: "state")
        /// Another engine holds the state directory.
        package static let stateDirectoryInUse = Code(name: "stateDirectoryInUse")
        /// A call that does not fit the engine's lifecycle (it runs once).
        package static let lifecycle = Code(name: "lifecycle")
    }

    package let code: Code
    package let message: String

    package init(_ message: String, code: Code = .state) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
