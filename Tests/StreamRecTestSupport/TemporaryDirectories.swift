import Foundation
import Testing

/// Gives each test its own folder for the directories it makes, and removes the
/// folder when the test ends, passed or failed. Put it on a suite
/// (`@Suite(.temporaryDirectories)`); inside, ``temporaryDirectory(_:)`` names
/// paths in that folder.
public struct TemporaryDirectoriesTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        let root = NSTemporaryDirectory() + "streamrec-tests-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await TemporaryDirectoriesTrait.$root.withValue(root) { try await function() }
    }

    @TaskLocal static var root: String?
}

extension Trait where Self == TemporaryDirectoriesTrait {
    /// Each test's temporary directories are removed when it ends.
    public static var temporaryDirectories: Self { Self() }
}

/// A path, not yet created, for a directory named after `prefix`, inside the
/// running test's folder (see ``TemporaryDirectoriesTrait``).
public func temporaryDirectory(_ prefix: String) -> String {
    guard let root = TemporaryDirectoriesTrait.root else {
        preconditionFailure("temporaryDirectory(_:) needs the .temporaryDirectories trait on the test's suite")
    }
    return root + "/\(prefix)-" + UUID().uuidString.prefix(8)
}

/// ``temporaryDirectory(_:)``, created.
public func makeTemporaryDirectory(_ prefix: String) throws -> String {
    let path = temporaryDirectory(prefix)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
