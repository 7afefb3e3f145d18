import StreamRecCore

/// The reading half of a replay: the valid events of the files within the time
/// window, in file order, with invalid lines reported and counted.
struct ReplayInput {
    struct Counts {
        var filtered = 0
        /// Events earlier than the event read just before them.
        var outOfOrder = 0
        var rejected: [String: Int] = [:]
        var rejectedTotal = 0
    }

    let window: (from: Int64?, to: Int64?)
    let strict: Bool
    let showErrors: Int
    /// Cleared before an invalid line is printed.
    let progress: ReplayProgress
    private(set) var counts = Counts()

    init(window: (from: Int64?, to: Int64?), strict: Bool, showErrors: Int, progress: ReplayProgress) {
        self.window = window
        self.strict = strict
        self.showErrors = showErrors
        self.progress = progress
    }

    /// Calls `onEvent` with every event and how far through the input the reader
    /// is, until it returns false.
    mutating func read(
        _ input: LogInputOptions, schema: EventSchema, readers: [LogFileReader],
        _ onEvent: (Event, Double?) throws -> Bool
    ) throws {
        let totalSize = readers.reduce(0) { $0 + $1.size }
        var doneBefore: Int64 = 0
        var current: LogFileReader?
        var previous = Int64.min
        try input.forEachEvent(
            schema: schema, readers: readers,
            onInvalid: { error, location in
                try reject(error, at: location)
            },
            onEvent: { event, reader in
                if current !== reader {
                    if let current { doneBefore += current.size }
                    current = reader
                }
                if event.timestampMilliseconds < previous { counts.outOfOrder += 1 }
                previous = event.timestampMilliseconds
                if let from = window.from, event.timestampMilliseconds < from {
                    counts.filtered += 1
                    return true
                }
                if let to = window.to, event.timestampMilliseconds >= to {
                    counts.filtered += 1
                    return true
                }
                let fraction = totalSize > 0 ? Double(doneBefore + reader.position) / Double(totalSize) : nil
                return try onEvent(event, fraction)
            })
    }

    private mutating func reject(_ error: LogLineError, at location: String) throws {
        counts.rejected[error.reason, default: 0] += 1
        counts.rejectedTotal += 1
        if strict {
            throw CommandError.failed("\(location): \(error.message); stopping (--strict)")
        }
        if counts.rejectedTotal <= showErrors {
            progress.finish()
            printError("\(location): \(error.message)")
        }
    }
}
