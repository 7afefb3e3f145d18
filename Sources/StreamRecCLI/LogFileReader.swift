import CZlib
import Foundation

/// Reads a log file line by line, plain or gzip-compressed alike (zlib's gzread
/// passes plain files through), in large chunks without a String per line.
///
/// A pipe or a device (`/dev/stdin` fed by a live producer) is read with plain
/// `read`, which hands over whatever has arrived: gzread waits until a chunk is
/// full, which would hold back lines that arrived long ago and pass them on in
/// bursts. Such input must not be compressed.
final class LogFileReader {
    let path: String
    private let source: Source
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var finished = false
    private var streamed: Int64 = 0
    /// Lines handed out so far; the number of the last one.
    private(set) var lineNumber = 0
    /// Size of the file on disk, for progress (0 for a pipe).
    let size: Int64

    private enum Source {
        case file(gzFile)
        case stream(Int32)
    }

    init(path: String, chunkSize: Int = 1 << 20) throws {
        var status = stat()
        let regular = stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        if regular {
            guard let file = gzopen(path, "rb") else {
                throw CommandError.usage("cannot open '\(path)': \(String(cString: strerror(errno)))")
            }
            gzbuffer(file, UInt32(chunkSize))
            source = .file(file)
            size = Int64(status.st_size)
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw CommandError.usage("cannot open '\(path)': \(String(cString: strerror(errno)))")
            }
            source = .stream(fd)
            size = 0
        }
        self.path = path
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        switch source {
        case .file(let file): gzclose(file)
        case .stream(let fd): close(fd)
        }
    }

    /// How far into the file (compressed bytes) reading has come.
    var position: Int64 {
        switch source {
        case .file(let file): Int64(gzoffset(file))
        case .stream: streamed
        }
    }

    /// Calls `body` with each line (without `\n` or `\r\n`) until the file ends or
    /// `body` returns false.
    func forEachLine(_ body: (UnsafeRawBufferPointer) throws -> Bool) throws {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
                lineNumber += 1
                var stop = newline
                if stop > start, buffer[stop - 1] == 0x0D { stop -= 1 }
                let keepGoing = try buffer.withUnsafeBytes {
                    try body(UnsafeRawBufferPointer(rebasing: $0[start..<stop]))
                }
                start = newline + 1
                if !keepGoing { return }
                continue
            }
            if finished {
                if start < end {
                    lineNumber += 1
                    var stop = end
                    if buffer[stop - 1] == 0x0D { stop -= 1 }
                    _ = try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<stop])) }
                    start = end
                }
                return
            }
            try refill()
        }
    }

    private func refill() throws {
        if start > 0 {
            buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
            end -= start
            start = 0
        }
        // A line longer than the buffer: make room.
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        var read = 0
        switch source {
        case .file(let file):
            read = Int(buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + end, UInt32($0.count - end)) })
            if read < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw CommandError.usage("cannot read '\(path)': \(message)")
            }
        case .stream(let fd):
            repeat {
                read = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + end, $0.count - end) }
            } while read < 0 && errno == EINTR
            if read < 0 { throw CommandError.usage("cannot read '\(path)': \(String(cString: strerror(errno)))") }
            if streamed == 0, end + read >= 2, buffer[0] == 0x1F, buffer[1] == 0x8B {
                throw CommandError.usage(
                    "'\(path)' is gzip-compressed and not a regular file: decompress it on its way in (zcat FILE | streamrec …)"
                )
            }
            streamed += Int64(read)
        }
        if read == 0 { finished = true }
        end += read
    }
}
