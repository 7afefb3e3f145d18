/// A failure of StreamRec's domain code: a configuration that cannot be used, a
/// snapshot that cannot be restored, a message that is not a Recommendation v1.
/// The message says what is wrong and, where a person can act, what to change;
/// ``code`` says which kind it is, for callers that branch on it.
///
/// Event records have their own ``EventDecodingError``, whose reason codes travel
/// with dead letters.
public struct StreamRecError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The kind of failure. Extensible: compare with the static values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        /// A configuration value, file or topic definition that cannot be used.
        public static let configuration = Code("configuration")
        /// A snapshot or checkpoint that is damaged, truncated or of another kind;
        /// restoring never yields a partially loaded state.
        public static let snapshot = Code("snapshot")
        /// A message on the recommendation topic that is not a valid Recommendation v1.
        public static let recommendation = Code("recommendation")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A ``Code/configuration`` error.
    public static func configuration(_ message: String) -> Self { Self(.configuration, message) }
    /// A ``Code/snapshot`` error.
    public static func snapshot(_ message: String) -> Self { Self(.snapshot, message) }

    public var description: String { message }
}
