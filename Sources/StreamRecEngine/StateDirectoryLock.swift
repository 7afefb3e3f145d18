import Foundation

/// An exclusive lock on a state directory for as long as the engine runs, so that
/// two engines never write one checkpoint. The lock is `flock` on the file `lock`
/// in the directory, which also holds the owner's pid for the message a second
/// engine gives; the kernel releases it when the process ends, even by `kill -9`.
final class StateDirectoryLock {
    private let descriptor: Int32

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
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    deinit {
        // Closing the descriptor releases the lock.
        close(descriptor)
    }
}
