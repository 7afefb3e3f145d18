import StreamRecKafka

/// A mistake in how a command was called or configured; exits with status 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
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
