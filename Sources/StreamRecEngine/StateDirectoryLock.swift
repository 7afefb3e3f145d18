import Foundation

/// An exclusive lock on a state directory for as long as the engine runs, so that
/// two engines never write one checkpoint. The lock is `flock` on the file `lock`
/// in the directory, which also holds the owner's pid for the message a second
/// engine gives; the kernel releases it when the process ends, even by `kill -9`.
///
/// The file also tells whether the previous engine stopped cleanly (it empties
/// the file) or died, and when it was last alive (the running engine touches the
/// file every second): see ``previousHolderLastAlive``.
final class StateDirectoryLock {
    private let descriptor: Int32
    /// When the previous engine on this directory was last alive, if it died
    /// without stopping cleanly; nil after a clean stop or on a new directory.
    let previousHolderLastAlive: Date?

    /// Takes the lock, creating the directory if needed; throws naming the holder
    /// when another process has it.
    init(directory: String) throws(EngineError) {
        let path = (directory as NSString).appendingPathComponent("lock")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError("cannot create the state directory \(directory): \(error.localizedDescription)")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw EngineError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw EngineError(
                """
                the state directory \(directory) is in use by another engine (pid \(holder ?? "unknown")): \
                stop it, or give this one its own --state-dir
                """, code: .stateDirectoryInUse)
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_size > 0 {
            let modified = status.st_mtim
            previousHolderLastAlive = Date(
                timeIntervalSince1970: Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9)
        } else {
            previousHolderLastAlive = nil
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    /// Records that the holder is alive (the file's modification time).
    func touch() {
        _ = futimens(descriptor, nil)
    }

    deinit {
        // An empty file says the engine stopped cleanly; closing releases the lock.
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }
}
