/// The historical log formats `streamrec replay`, `inspect` and `evaluate` read.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One Event v1 JSON object per line.
    case jsonl
    /// CSV with a header row; columns mapped to event fields with `--map`.
    case csv
    /// MovieLens 100K `u.data`: `user<TAB>item<TAB>rating<TAB>unix seconds`.
    case movielens100k = "movielens-100k"
    /// MovieLens 1M `ratings.dat`: `user::item::rating::unix seconds`.
    case movielens1m = "movielens-1m"

    /// The format a file name implies (a `.gz` suffix is looked through), if any.
    public static func detect(fileName: String) -> LogFormat? {
        var name = fileName.split(separator: "/").last.map(String.init) ?? fileName
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let lowered = name.lowercased()
        if lowered == "u.data" || lowered.hasSuffix(".data") { return .movielens100k }
        if lowered == "ratings.dat" || lowered.hasSuffix(".dat") { return .movielens1m }
        if lowered.hasSuffix(".csv") { return .csv }
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") || lowered.hasSuffix(".json") { return .jsonl }
        return nil
    }
}

/// Why one line of a log is not an event: a reason code (an event validation
/// reason such as `rating_out_of_range`, or `malformed_line`) and a sentence.
public struct LogLineError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var message: String

    public init(reason: String, _ message: String) {
        self.reason = reason
        self.message = message
    }

    init(_ error: EventDecodingError) {
        self.init(reason: error.reason.code, error.description)
    }

    static func malformed(_ message: String) -> LogLineError {
        LogLineError(reason: "malformed_line", message)
    }

    public var description: String { message }
}

/// Turns lines of one log file into events. Lines are given without their
/// line terminator; a parser returns nil for lines that hold no event (a header).
public protocol LogLineParser {
    mutating func parse(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event?
}
