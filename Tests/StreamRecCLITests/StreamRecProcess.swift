import Foundation
import StreamRecTestSupport
import Synchronization
import Testing

/// The built `streamrec` executable, next to the test bundle.
let streamrecExecutable: String = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "streamrec"
    ).path
    if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
    return packageRoot + "/.build/debug/streamrec"
}()

let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A `streamrec` (or other) child process whose output the test reads while it
/// runs. It is killed when released, so no test leaves one behind.
final class ChildProcess: Sendable {
    private let process = Process()
    // Bytes, decoded when read: a chunk may end inside a UTF-8 sequence.
    private let output = CapturedOutput()
    private let stdinPipe = Pipe()
    /// Threads that read the child's output to its end; waited for before exit status is trusted.
    private let readers: [ReaderThread]

    /// Starts the child in `workingDirectory` (the package root by default).
    init(
        _ arguments: [String], executable: String = streamrecExecutable, environment: [String: String] = [:],
        workingDirectory: String = packageRoot
    ) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("STREAMREC_") }
        // Any free port: tests run side by side, and each engine serves HTTP.
        env["STREAMREC_HTTP"] = "127.0.0.1:0"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdinPipe
        try process.run()
        // Plain blocking reads on threads of their own until end of file. (FileHandle's
        // readabilityHandler runs on dispatch sources that corelibs-foundation can
        // tear down while a read is in flight; a test run crashed inside libdispatch.)
        // The readers hold the buffers, not this object, whose release kills the child.
        let output = output
        readers = [
            Self.startReader(out.fileHandleForReading) { data in output.bytes.withLock { $0.stdout += data } },
            Self.startReader(err.fileHandleForReading) { data in output.bytes.withLock { $0.stderr += data } },
        ]
    }

    private static func startReader(_ handle: FileHandle, _ sink: @escaping @Sendable (Data) -> Void) -> ReaderThread {
        let reader = ReaderThread()
        let fd = handle.fileDescriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                sink(Data(buffer[0..<count]))
            }
            withExtendedLifetime(handle) {}
            reader.finish()
        }
        thread.start()
        return reader
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { output.bytes.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { output.bytes.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// The first line of standard output, waiting up to `timeout` for it.
    func firstLine(timeout: Duration = .seconds(20)) async throws -> String {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            // One read of the buffer: text arriving between two reads once gave an empty line.
            let text = stdout
            if let newline = text.firstIndex(of: "\n") {
                return String(text[..<newline])
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no first line from \(process.arguments ?? []); stderr: \(stderr)")
        throw CancellationError()
    }

    /// Whether standard error shows `text` within `timeout` (it arrives through its own pipe).
    func waitForStderr(containing text: String, timeout: Duration = .seconds(5)) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if stderr.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func writeStdin(_ text: String) {
        writeStdin(Array(text.utf8))
    }

    func writeStdin(_ bytes: [UInt8]) {
        stdinPipe.fileHandleForWriting.write(Data(bytes))
    }

    /// Standard output as bytes, for output that need not be UTF-8.
    var stdoutBytes: [UInt8] { output.bytes.withLock { [UInt8]($0.stdout) } }

    func closeStdin() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    func send(signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for exit and returns the status, or nil on timeout (the process is then killed).
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32? {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while process.isRunning, clock.now < end {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            // TERM first, so that a script's exit trap stops what it started; then KILL. The waits
            // are bounded: Foundation's waitUntilExit once spun for minutes on a killed script.
            for signal in [SIGTERM, SIGKILL] {
                kill(process.processIdentifier, signal)
                let grace = clock.now + .seconds(5)
                while process.isRunning, clock.now < grace { try? await Task.sleep(for: .milliseconds(20)) }
                if !process.isRunning { break }
            }
            return nil
        }
        // The child has exited; its output ends once every process holding the pipes is gone.
        for reader in readers { _ = await reader.wait(timeout: .seconds(5)) }
        return process.terminationStatus
    }
}

/// What a child wrote to standard output and error so far.
final class CapturedOutput: Sendable {
    let bytes = Mutex((stdout: Data(), stderr: Data()))
}

/// Signals that a reader thread reached end of file.
final class ReaderThread: Sendable {
    private let done = Mutex(false)

    func finish() { done.withLock { $0 = true } }

    /// Whether the reader finished within `timeout`.
    func wait(timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if done.withLock({ $0 }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

/// Runs a command to completion: (status, stdout, stderr).
func run(
    _ arguments: [String], environment: [String: String] = [:], executable: String = streamrecExecutable,
    stdin: String? = nil, timeout: Duration = .seconds(60)
) async throws -> (status: Int32?, stdout: String, stderr: String) {
    let child = try ChildProcess(arguments, executable: executable, environment: environment)
    if let stdin { child.writeStdin(stdin) }
    child.closeStdin()
    let status = await child.waitForExit(timeout: timeout)
    return (status, child.stdout, child.stderr)
}

/// ``run(_:environment:executable:stdin:timeout:)`` with bytes in and out.
func runBytes(
    _ arguments: [String], executable: String = streamrecExecutable, stdin: [UInt8] = [],
    timeout: Duration = .seconds(60)
) async throws -> (status: Int32?, stdout: [UInt8], stderr: String) {
    let child = try ChildProcess(arguments, executable: executable)
    child.writeStdin(stdin)
    child.closeStdin()
    let status = await child.waitForExit(timeout: timeout)
    return (status, child.stdoutBytes, child.stderr)
}

/// A fresh STREAMREC_HOME, so that tests never see each other's (or a developer's) broker.
func temporaryHome() throws -> String {
    try makeTemporaryDirectory("home")
}
