import Foundation
import HeapModule
import StreamRecCore

/// Puts a replay's events in event-time order within a memory budget: events are
/// collected into runs of at most `memoryBudget` bytes, each run is sorted and,
/// once there is more than one, written to a file in the scratch directory; the
/// runs are then merged. Stable: events with the same time keep their input
/// order, so a file already in time order comes out unchanged.
struct EventTimeSorter {
    /// Bytes of events held in memory before a run is written out.
    let memoryBudget: Int
    private let scratchDirectory: String
    private let encoder = EventEncoder()
    private let decoder: EventDecoder
    private var run: [Event] = []
    /// Heap bytes of the run's events beyond their array slots (long strings, attributes).
    private var heapBytes = 0
    private var spilled: [String] = []
    private(set) var count = 0

    init(memoryBudget: Int, schema: EventSchema, scratchDirectory: String = NSTemporaryDirectory()) {
        self.memoryBudget = memoryBudget
        self.scratchDirectory = scratchDirectory
        decoder = EventDecoder(schema: schema)
        // The whole budget's slots up front, so the array never grows by copying;
        // untouched, they cost address space, not memory.
        run.reserveCapacity(max(1, memoryBudget / MemoryLayout<Event>.stride))
    }

    /// Runs written to disk so far.
    var spilledRuns: Int { spilled.count }

    mutating func append(_ event: Event) throws {
        run.append(event)
        count += 1
        heapBytes += Self.heapBytes(of: event)
        if MemoryLayout<Event>.stride * run.count + heapBytes >= memoryBudget { try spill() }
    }

    /// Calls `body` with every event in time order, until it returns false; then
    /// removes the run files.
    mutating func drain(_ body: (Event) throws -> Bool) throws {
        defer { removeRunFiles() }
        if spilled.isEmpty {
            for index in Self.timeOrder(of: run) where try !body(run[Int(index)]) { return }
            return
        }
        if !run.isEmpty { try spill() }
        try merge(body)
    }

    /// A stable sort by event time.
    static func sorted(_ events: [Event]) -> [Event] {
        timeOrder(of: events).map { events[Int($0)] }
    }

    /// The positions of `events` in stable event-time order: sorting positions
    /// rather than events costs four bytes an event instead of a second copy.
    static func timeOrder(of events: [Event]) -> [Int32] {
        var order = (0..<Int32(events.count)).map { $0 }
        events.withUnsafeBufferPointer { events in
            order.sort { (events[Int($0)].timestampMilliseconds, $0) < (events[Int($1)].timestampMilliseconds, $1) }
        }
        return order
    }

    private mutating func spill() throws {
        let path = scratchDirectory + "/streamrec-replay-run-\(getpid())-\(spilled.count)"
        guard let file = fopen(path, "w") else {
            throw CommandError.failed("cannot write a sort run to \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        spilled.append(path)
        var line: [UInt8] = []
        for index in Self.timeOrder(of: run) {
            line.removeAll(keepingCapacity: true)
            encoder.encode(run[Int(index)], into: &line)
            line.append(UInt8(ascii: "\n"))
            guard fwrite(line, 1, line.count, file) == line.count else {
                throw CommandError.failed("cannot write a sort run to \(path): \(String(cString: strerror(errno)))")
            }
        }
        run.removeAll(keepingCapacity: true)
        heapBytes = 0
    }

    /// The next event of each run in a heap; ties go to the earlier run, which
    /// holds the earlier input.
    private func merge(_ body: (Event) throws -> Bool) throws {
        var readers = try spilled.map { try RunReader(path: $0, decoder: decoder) }
        var heap = Heap<MergeEntry>()
        for (index, reader) in readers.enumerated() {
            if let event = try reader.next() { heap.insert(MergeEntry(event: event, run: index)) }
        }
        while let entry = heap.popMin() {
            guard try body(entry.event) else { return }
            if let event = try readers[entry.run].next() { heap.insert(MergeEntry(event: event, run: entry.run)) }
        }
        readers.removeAll()
    }

    private func removeRunFiles() {
        for path in spilled { unlink(path) }
    }

    /// What an event holds outside its slot in the run's array: strings too long
    /// to be stored inline (over 15 bytes), and attribute tables.
    static func heapBytes(of event: Event) -> Int {
        func outOfLine(_ text: String?) -> Int {
            guard let count = text?.utf8.count, count > 15 else { return 0 }
            return count + 32
        }
        return outOfLine(event.userID) + outOfLine(event.itemID) + outOfLine(event.type) + outOfLine(event.eventID)
            + (event.item.isEmpty ? 0 : 64 + 64 * event.item.count)
            + (event.context.isEmpty ? 0 : 64 + 64 * event.context.count)
    }
}

private struct MergeEntry: Comparable {
    let event: Event
    let run: Int

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.event.timestampMilliseconds, lhs.run) < (rhs.event.timestampMilliseconds, rhs.run)
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.event.timestampMilliseconds == rhs.event.timestampMilliseconds && lhs.run == rhs.run
    }
}

/// Reads back one sorted run, an Event v1 JSON object per line.
private final class RunReader {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private let decoder: EventDecoder
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(path: String, decoder: EventDecoder) throws {
        guard let file = fopen(path, "r") else {
            throw CommandError.failed("cannot read the sort run \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.path = path
        self.decoder = decoder
    }

    deinit {
        free(line)
        fclose(file)
    }

    func next() throws -> Event? {
        let length = getline(&line, &capacity, file)
        guard length > 0, let line else { return nil }
        let bytes = UnsafeRawBufferPointer(start: line, count: length - 1)
        do {
            return try decoder.decode(bytes)
        } catch {
            throw CommandError.failed("the sort run \(path) is damaged: \(error)")
        }
    }
}
