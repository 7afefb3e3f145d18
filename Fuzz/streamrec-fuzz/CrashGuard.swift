import Foundation
import Synchronization

/// Keeps the input being decoded where a signal handler can reach it, so that a
/// crash (a trap, a bad access) or a hang leaves the input behind in the findings
/// folder, ready to be added to the corpus once fixed.
enum CrashGuard {
    private static let capacity = 1 << 22
    // Read by the signal handler, which can capture nothing: globals, written
    // before each input by the one fuzzing thread.
    nonisolated(unsafe) private static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) private static var length = 0
    nonisolated(unsafe) private static var crashPath: UnsafeMutablePointer<CChar>?
    private static let inputsRun = Atomic<Int>(0)

    /// Saves every input from now on; a crash writes it to `directory/TARGET-crash.bin`.
    static func install(target: String, directory: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        crashPath.map { free($0) }
        crashPath = strdup("\(directory)/\(target)-crash.bin")
        for signal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            Foundation.signal(signal) { number in
                CrashGuard.saveCurrentInput()
                let message = "streamrec-fuzz: crashed on an input, saved for replay\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                Foundation.signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    static func record(_ input: [UInt8]) {
        let count = min(input.count, capacity)
        input.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: count) }
        length = count
        inputsRun.add(1, ordering: .relaxed)
    }

    private static func saveCurrentInput() {
        guard let crashPath else { return }
        let file = open(crashPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard file >= 0 else { return }
        _ = write(file, buffer, length)
        close(file)
    }

    /// Exits with status 3, saving the input, when no input finishes for `limit`.
    static func watchForHangs(limit: Duration, target: String, directory: String) -> Thread {
        let thread = Thread {
            var last = -1
            while !Thread.current.isCancelled {
                Thread.sleep(forTimeInterval: Double(limit.components.seconds))
                let now = inputsRun.load(ordering: .relaxed)
                if now == last, !Thread.current.isCancelled {
                    let path = "\(directory)/\(target)-hang.bin"
                    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: buffer, count: length))
                    FileHandle.standardError.write(Data("streamrec-fuzz: an input ran over \(limit): \(path)\n".utf8))
                    exit(3)
                }
                last = now
            }
        }
        thread.start()
        return thread
    }
}
