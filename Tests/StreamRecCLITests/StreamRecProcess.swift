import Foundation
import Testing

/// The built `streamrec` executable, next to the test bundle.
let streamrecExecutable: String = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("streamrec").path
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
final class ChildProcess: @unchecked Sendable {
    // @unchecked: output buffers are only touched under `lock`; `process` is set once.
    private let process = Process()
    private let lock = NSLock()
    private var stdoutText = ""
    private var stderrText = ""
    private let stdinPipe = Pipe()

    init(_ arguments: [String], executable: String = streamrecExecutable, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("STREAMREC_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdinPipe
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.append(data, toStdout: true)
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.append(data, toStdout: false)
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func append(_ data: Data, toStdout: Bool) {
        let text = String(decoding: data, as: UTF8.self)
        lock.lock()
        if toStdout { stdoutText += text } else { stderrText += text }
        lock.unlock()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { lock.lock(); defer { lock.unlock() }; return stdoutText }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    /// The first line of standard output, waiting up to `timeout` for it.
    func firstLine(timeout: Duration = .seconds(20)) async throws -> String {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let line = stdout.split(separator: "\n", omittingEmptySubsequences: false).first, stdout.contains("\n") {
                return String(line)
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
        stdinPipe.fileHandleForWriting.write(Data(text.utf8))
    }

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
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        // Let the readability handlers drain the last output.
        try? await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }
}

/// Runs a command to completion: (status, stdout, stderr).
func run(_ arguments: [String], environment: [String: String] = [:], executable: String = streamrecExecutable,
         stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> (status: Int32?, stdout: String, stderr: String) {
    let child = try ChildProcess(arguments, executable: executable, environment: environment)
    if let stdin { child.writeStdin(stdin) }
    child.closeStdin()
    let status = await child.waitForExit(timeout: timeout)
    return (status, child.stdout, child.stderr)
}

/// A fresh STREAMREC_HOME, so that tests never see each other's (or a developer's) broker.
func temporaryHome() throws -> String {
    let path = NSTemporaryDirectory() + "streamrec-test-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
