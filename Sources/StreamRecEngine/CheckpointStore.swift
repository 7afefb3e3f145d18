import Foundation
import StreamRecCore

/// Keeps the engine's checkpoint in a state directory: `checkpoint.bin`, and the
/// one before it as `checkpoint.prev`.
///
/// A write goes to a temporary file that is fsynced before it is renamed into
/// place (and the directory fsynced after), so a crash at any moment leaves either
/// the old or the new checkpoint whole, never a mix. Reading falls back to the
/// previous checkpoint only when the current one is missing (a crash between the
/// two renames); a corrupt current checkpoint is an error, not silently skipped.
package struct CheckpointStore: Sendable {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    package var path: String { (directory as NSString).appendingPathComponent("checkpoint.bin") }
    var previousPath: String { (directory as NSString).appendingPathComponent("checkpoint.prev") }
    private var temporaryPath: String { (directory as NSString).appendingPathComponent("checkpoint.tmp") }

    /// The newest checkpoint, or nil when the directory holds none.
    package func load() throws(EngineError) -> EngineCheckpoint? {
        for candidate in [path, previousPath] {
            guard let data = FileManager.default.contents(atPath: candidate) else { continue }
            do {
                return try EngineCheckpoint(decoding: [UInt8](data))
            } catch {
                throw EngineError(
                    """
                    checkpoint \(candidate) cannot be read: \(error.message). Move it away to keep it, or start \
                    with --fresh to rebuild the state from the log
                    """)
            }
        }
        return nil
    }

    /// Writes `checkpoint` durably and atomically.
    package func write(_ checkpoint: EngineCheckpoint) throws(EngineError) {
        try write(parts: checkpoint.encodedParts())
    }

    /// Writes an ``EngineCheckpoint/encodedParts()`` checkpoint, part after part,
    /// durably and atomically.
    package func write(parts: [[UInt8]]) throws(EngineError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError("cannot create state directory \(directory): \(error.localizedDescription)")
        }
        try writeSynced(parts, to: temporaryPath)
        if FileManager.default.fileExists(atPath: path) {
            try rename(path, previousPath)
        }
        try rename(temporaryPath, path)
        try syncDirectory()
    }

    private func writeSynced(_ parts: [[UInt8]], to file: String) throws(EngineError) {
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError("cannot write \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        for bytes in parts {
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes {
                    Foundation.write(fd, $0.baseAddress! + written, $0.count - written)
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw EngineError("cannot write \(file): \(String(cString: strerror(errno)))")
                }
                written += result
            }
        }
        guard fsync(fd) == 0 else { throw EngineError("cannot sync \(file): \(String(cString: strerror(errno)))") }
    }

    private func rename(_ from: String, _ to: String) throws(EngineError) {
        guard Foundation.rename(from, to) == 0 else {
            throw EngineError("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes the renames durable: they live in the directory's own metadata.
    private func syncDirectory() throws(EngineError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError("cannot open \(directory): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw EngineError("cannot sync \(directory): \(String(cString: strerror(errno)))") }
    }
}
