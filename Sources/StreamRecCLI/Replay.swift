import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

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
    private(set) var filtered = 0
    private(set) var rejected: [String: Int] = [:]
    private var rejectedTotal = 0
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

    /// Replays every file in order, up to the limit.
    mutating func run(
        _ input: LogInputOptions, schema: EventSchema, readers: [LogFileReader], sink: inout ReplaySink
    ) throws {
        let totalSize = readers.reduce(0) { $0 + $1.size }
        var doneBefore: Int64 = 0
        var current: LogFileReader?
        try input.forEachEvent(
            schema: schema, readers: readers,
            onInvalid: { error, location in
                try reject(error, at: location)
            },
            onEvent: { event, reader in
                if let limit, sent >= limit { return false }
                if current !== reader {
                    if let current { doneBefore += current.size }
                    current = reader
                }
                if let from = window.from, event.timestampMilliseconds < from {
                    filtered += 1
                    return true
                }
                if let to = window.to, event.timestampMilliseconds >= to {
                    filtered += 1
                    return true
                }
                try send(event, sink: &sink)
                if sent & 1023 == 0 {
                    let fraction = totalSize > 0 ? Double(doneBefore + reader.position) / Double(totalSize) : nil
                    progress.update(sent: sent, rejected: rejectedTotal, fraction: fraction)
                }
                return true
            })
    }

    private mutating func reject(_ error: LogLineError, at location: String) throws {
        rejected[error.reason, default: 0] += 1
        rejectedTotal += 1
        if strict {
            throw CommandError.failed("\(location): \(error.message); stopping (--strict)")
        }
        if rejectedTotal <= showErrors {
            progress.finish()
            printError("\(location): \(error.message)")
        }
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

    /// Flushes and prints the summary. Fails if any record was not delivered.
    mutating func finish(sink: ReplaySink) async throws {
        var failed = 0
        if case .kafka(let producer) = sink {
            try await producer.close(timeout: .seconds(120))
            failed = producer.statistics.failed
        }
        progress.finish()
        let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        let reasons = rejected.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let verb = if case .dryRun = sink { "validated" } else { "replayed" }
        let target = if case .dryRun = sink { " (dry run, nothing sent)" } else { " to \(topic)" }
        print(
            String(
                format: "%@ %d events%@ in %.3f s (%.0f events/s); rejected %d%@; filtered %d",
                verb, sent, target, seconds, Double(sent) / max(seconds, 1e-9), rejectedTotal,
                reasons.isEmpty ? "" : " (\(reasons))", filtered))
        if failed > 0 {
            throw KafkaError(.deliveryFailed, "\(failed) of \(sent) events were not delivered to \(topic)")
        }
    }
}
