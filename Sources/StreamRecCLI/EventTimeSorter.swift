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
    private var runBytes = 0
    private var spilled: [String] = []
    private(set) var count = 0

    init(memoryBudget: Int, schema: EventSchema, scratchDirectory: String = NSTemporaryDirectory()) {
        self.memoryBudget = memoryBudget
        self.scratchDirectory = scratchDirectory
        decoder = EventDecoder(schema: schema)
    }

    /// Runs written to disk so far.
    var spilledRuns: Int { spilled.count }

    mutating func append(_ event: Event) throws {
        run.append(event)
        count += 1
        runBytes += Self.approximateBytes(of: event)
        if runBytes >= memoryBudget { try spill() }
    }

    /// Calls `body` with every event in time order, until it returns false; then
    /// removes the run files.
    mutating func drain(_ body: (Event) throws -> Bool) throws {
        defer { removeRunFiles() }
        if spilled.isEmpty {
            for event in Self.sorted(run) where try !body(event) { return }
            return
        }
        if !run.isEmpty { try spill() }
        try merge(body)
    }

    /// A stable sort by event time.
    static func sorted(_ events: [Event]) -> [Event] {
        events.enumerated()
            .sorted { ($0.element.timestampMilliseconds, $0.offset) < ($1.element.timestampMilliseconds, $1.offset) }
            .map(\.element)
    }

    private mutating func spill() throws {
        let path = scratchDirectory + "/streamrec-replay-run-\(getpid())-\(spilled.count)"
        guard let file = fopen(path, "w") else {
            throw CommandError.failed("cannot write a sort run to \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        spilled.append(path)
        var line: [UInt8] = []
        for event in Self.sorted(run) {
            line.removeAll(keepingCapacity: true)
            encoder.encode(event, into: &line)
            line.append(UInt8(ascii: "\n"))
            guard fwrite(line, 1, line.count, file) == line.count else {
                throw CommandError.failed("cannot write a sort run to \(path): \(String(cString: strerror(errno)))")
            }
        }
        run.removeAll(keepingCapacity: true)
        runBytes = 0
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

    /// What an event costs held in a run: the value and its strings' bytes.
    static func approximateBytes(of event: Event) -> Int {
        MemoryLayout<Event>.stride + event.userID.utf8.count + event.itemID.utf8.count + event.type.utf8.count
            + (event.eventID?.utf8.count ?? 0) + 64 * (event.item.count + event.context.count)
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
