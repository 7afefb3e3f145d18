import ArgumentParser
import Foundation
import Logging

func parseProperties(_ properties: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for property in properties.flatMap({ $0.split(separator: ",") }) {
        let parts = property.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { throw ValidationError("-X expects key=value, got '\(property)'") }
        result[String(parts[0])] = String(parts[1])
    }
    return result
}

/// Runs blocking work on a thread of its own, off Swift's cooperative pool.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

let benchLogger: Logger = {
    var logger = Logger(label: "streamrec.bench")
    logger.logLevel =
        ProcessInfo.processInfo.environment["BENCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}()
