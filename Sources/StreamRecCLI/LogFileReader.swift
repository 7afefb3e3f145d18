import CZlib
import Foundation

/// Reads a log file line by line, plain or gzip-compressed alike (zlib's gzread
/// passes plain files through), in large chunks without a String per line.
final class LogFileReader {
    let path: String
    private let file: gzFile
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var finished = false
    /// Lines handed out so far; the number of the last one.
    private(set) var lineNumber = 0
    /// Size of the file on disk, for progress.
    let size: Int64

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let file = gzopen(path, "rb") else {
            throw CommandError.usage("cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        gzbuffer(file, UInt32(chunkSize))
        self.path = path
        self.file = file
        buffer = [UInt8](repeating: 0, count: chunkSize)
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
    }

    deinit {
        gzclose(file)
    }

    /// How far into the file (compressed bytes) reading has come.
    var position: Int64 { Int64(gzoffset(file)) }

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
        let read = buffer.withUnsafeMutableBytes { raw in
            gzread(file, raw.baseAddress! + end, UInt32(raw.count - end))
        }
        if read < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw CommandError.usage("cannot read '\(path)': \(message)")
        }
        if read == 0 { finished = true }
        end += Int(read)
    }
}
