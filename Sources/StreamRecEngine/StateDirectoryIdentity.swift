import Foundation

/// A name for the instance that owns a state directory, kept in the directory
/// (`DIR/instance-id`) so that it survives restarts: item records shared by this
/// state, before a crash as after it, are recognised as its own.
enum StateDirectoryIdentity {
    static func read(in directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent("instance-id")
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
            case let id = text.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty
        {
            return id
        }
        let id = "\(ProcessInfo.processInfo.hostName)-\(UUID().uuidString.prefix(8).lowercased())"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try (id + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw EngineError("cannot write \(path): \(error.localizedDescription)")
        }
        return id
    }
}
