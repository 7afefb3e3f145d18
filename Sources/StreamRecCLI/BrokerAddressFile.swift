import Foundation

/// The file through which `streamrec broker` tells other `streamrec` commands on
/// this machine where it listens: `$STREAMREC_HOME/broker` (default
/// `~/.streamrec/broker`), holding the bootstrap address and the broker's pid.
struct BrokerAddressFile {
    let path: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = (StreamRecHome.path(environment: environment) as NSString).appendingPathComponent("broker")
    }

    struct Entry: Equatable {
        var bootstrapServers: String
        var pid: Int32
    }

    /// The recorded broker, if the file exists and its process is still alive.
    func read() -> Entry? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= 2, let pid = Int32(lines[1]), !lines[0].isEmpty else { return nil }
        // A broker killed with SIGKILL leaves its file behind; a dead pid means stale.
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return Entry(bootstrapServers: lines[0], pid: pid)
    }

    func write(_ entry: Entry) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".\(entry.pid).tmp"
        try "\(entry.bootstrapServers)\n\(entry.pid)\n".write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw CommandError.usage("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the file if it still names `pid`, so a newer broker's file is left alone.
    func remove(ifOwnedBy pid: Int32) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            text.split(separator: "\n").dropFirst().first == Substring(String(pid))
        else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
