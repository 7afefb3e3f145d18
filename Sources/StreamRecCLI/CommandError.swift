import StreamRecKafka

/// A command's own failure, with the exit status it deserves: a mistake in how
/// the command was called or configured exits 2 (``usage(_:)``); nothing to show
/// for what was asked, or a run stopped on bad input, exits 1 (``failed(_:)``).
struct CommandError: Error, CustomStringConvertible {
    var description: String
    var exitStatus: Int32

    static func usage(_ description: String) -> Self { Self(description: description, exitStatus: 2) }
    static func failed(_ description: String) -> Self { Self(description: description, exitStatus: 1) }
}

extension Result where Failure == any Error {
    /// Captures the outcome of async work, so that cleanup can run before rethrowing.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension Result where Failure == KafkaError {
    /// Captures the outcome of async work that throws only `KafkaError`.
    init(catching body: () async throws(KafkaError) -> Success) async {
        do throws(KafkaError) { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
