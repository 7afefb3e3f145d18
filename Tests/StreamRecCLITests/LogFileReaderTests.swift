import Foundation
import Testing

@testable import StreamRecCLI

@Suite("Reading logs from a pipe")
struct LogFileReaderTests {
    @Test("Lines written to a pipe are read as they arrive, before the writer closes it")
    func pipeLinesArriveWithoutWaitingForMore() throws {
        let pipe = Pipe()
        let path = "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"
        pipe.fileHandleForWriting.write(Data("{\"a\":1}\n{\"a\":2}\r\n{\"a\":3}\n".utf8))
        let lines = LockedLines()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if let reader = try? LogFileReader(path: path) {
                try? reader.forEachLine { line in
                    lines.append(String(decoding: line, as: UTF8.self))
                    return lines.count < 3
                }
                lines.position = reader.position
            }
            done.signal()
        }
        // A reader that waited for a full chunk would still be blocked: the pipe stays open.
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(lines.all == ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"])
        #expect(lines.position == 25)
        try pipe.fileHandleForWriting.close()
    }

    @Test("Compressed input from a pipe is refused with what to do instead")
    func compressedPipeIsRefused() throws {
        let pipe = Pipe()
        let reader = try LogFileReader(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        pipe.fileHandleForWriting.write(Data([0x1F, 0x8B, 0x08, 0x00]))
        try pipe.fileHandleForWriting.close()
        let error = #expect(throws: CommandError.self) { try reader.forEachLine { _ in true } }
        #expect("\(error.map { "\($0)" } ?? "")".contains("zcat"))
    }
}

/// Lines collected on another thread.
private final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var count: Int { lock.withLock { lines.count } }
    var all: [String] { lock.withLock { lines } }
    private var reached: Int64 = 0
    var position: Int64 {
        get { lock.withLock { reached } }
        set { lock.withLock { reached = newValue } }
    }
}
