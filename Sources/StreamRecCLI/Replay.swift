import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// The order a replay sends events in.
enum ReplayOrder: Equatable {
    /// As read, file after file.
    case file
    /// By event time (stable), sorting within `memoryBudget` bytes and merging
    /// sorted runs from disk beyond it.
    case time(memoryBudget: Int)
}

/// Where replayed events go.
enum ReplaySink {
    case dryRun
    case kafka(KafkaProducer)
}

/// One replay run: reads lines, validates, filters, paces, produces, counts.
struct Replay {
    let topic: String
    let pacing: ReplayPacing
    let limit: Int?
    let window: (from: Int64?, to: Int64?)
    let strict: Bool
    let showErrors: Int
    var progress: ReplayProgress

    private var pacer: ReplayPacer
    private let encoder = EventEncoder()
    private var key: [UInt8] = []
    private var value: [UInt8] = []
    private(set) var sent = 0
    private(set) var counts = ReplayInput.Counts()
    /// Sorted runs merged for time order (1 when the events fit the memory budget).
    private(set) var sortedRuns = 0
    private let start = MonotonicClock.nanoseconds()

    init(
        topic: String, pacing: ReplayPacing, limit: Int?, window: (Int64?, Int64?), strict: Bool, showErrors: Int,
        progress: ReplayProgress
    ) {
        self.topic = topic
        self.pacing = pacing
        self.limit = limit
        self.window = window
        self.strict = strict
        self.showErrors = showErrors
        self.progress = progress
        pacer = ReplayPacer(pacing)
        key.reserveCapacity(64)
        value.reserveCapacity(512)
    }

    /// Replays every file, in event-time order or as read, up to the limit.
    mutating func run(
        _ input: LogInputOptions, schema: EventSchema, readers: [LogFileReader], order: ReplayOrder,
        sink: inout ReplaySink
    ) throws {
        // The reading half keeps its own counts, so that sending can change the
        // replay while the reader runs.
        var reading = ReplayInput(window: window, strict: strict, showErrors: showErrors, progress: progress)
        defer { counts = reading.counts }
        switch order {
        case .file:
            try reading.read(input, schema: schema, readers: readers) { event, fraction in
                try deliver(event, sink: &sink, fraction: fraction)
            }
        case .time(let memoryBudget):
            var sorter = EventTimeSorter(memoryBudget: memoryBudget, schema: schema)
            try reading.read(input, schema: schema, readers: readers) { event, _ in
                try sorter.append(event)
                return true
            }
            let total = Double(max(1, sorter.count))
            try sorter.drain { event in
                try deliver(event, sink: &sink, fraction: Double(sent + 1) / total)
            }
            sortedRuns = max(1, sorter.spilledRuns)
        }
    }

    /// Sends one event unless the limit is reached; false when it is.
    private mutating func deliver(_ event: Event, sink: inout ReplaySink, fraction: Double?) throws -> Bool {
        if let limit, sent >= limit { return false }
        try send(event, sink: &sink)
        if sent & 1023 == 0 { progress.update(sent: sent, rejected: counts.rejectedTotal, fraction: fraction) }
        return true
    }

    private mutating func send(_ event: Event, sink: inout ReplaySink) throws {
        if let due = pacer.due(index: sent, eventTime: event.timestampMilliseconds) {
            let target = start + due
            let now = MonotonicClock.nanoseconds()
            if target > now + 100_000 { usleep(UInt32(min((target - now) / 1_000, 10_000_000))) }
        }
        sent += 1
        guard case .kafka(let producer) = sink else { return }
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: event.userID.utf8)
        value.removeAll(keepingCapacity: true)
        encoder.encode(event, into: &value)
        try producer.sendSync(topic: topic, key: key, value: value, timestampMilliseconds: event.timestampMilliseconds)
    }

    private var orderSummary: String {
        let read = "\(counts.outOfOrder) read out of event-time order"
        guard sortedRuns > 0 else { return read + " (sent in file order)" }
        return read + (sortedRuns == 1 ? " (sent sorted)" : " (sent sorted, merged from \(sortedRuns) runs)")
    }

    /// Flushes and prints the summary. Fails if any record was not delivered.
    mutating func finish(sink: ReplaySink) async throws {
        var failed = 0
        if case .kafka(let producer) = sink {
            try await producer.close(timeout: .seconds(120))
            failed = producer.statistics.failed
        }
        progress.finish()
        let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        let reasons = counts.rejected.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(
            separator: ", ")
        let verb = if case .dryRun = sink { "validated" } else { "replayed" }
        let target = if case .dryRun = sink { " (dry run, nothing sent)" } else { " to \(topic)" }
        print(
            String(
                format: "%@ %d events%@ in %.3f s (%.0f events/s); rejected %d%@; filtered %d; %@",
                verb, sent, target, seconds, Double(sent) / max(seconds, 1e-9), counts.rejectedTotal,
                reasons.isEmpty ? "" : " (\(reasons))", counts.filtered, orderSummary))
        if failed > 0 {
            throw KafkaError(.deliveryFailed, "\(failed) of \(sent) events were not delivered to \(topic)")
        }
    }
}
