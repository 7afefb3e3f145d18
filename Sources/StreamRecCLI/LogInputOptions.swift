import ArgumentParser
import Foundation
import StreamRecCore

/// The log files and how to read them, shared by `replay`, `inspect` and `evaluate`.
struct LogInputOptions: ParsableArguments {
    @Argument(help: "Log files, read in order (gzip or plain).")
    var files: [String] = []

    @Option(help: "Log format: jsonl, csv, movielens-100k, movielens-1m (default: from the file name).")
    var format: LogFormat?

    @Option(
        help: ArgumentHelp(
            "CSV columns for event fields: user=COL,item=COL,timestamp=COL[,type=COL][,value=COL][,event_id=COL][,item.NAME=COL][,context.NAME=COL].",
            valueName: "field=column,…"))
    var map: String?

    @Option(
        help: ArgumentHelp(
            "Column names of a CSV file without a header row, e.g. user,item,category,behavior,ts.", valueName: "name,…"
        ))
    var columns: String?

    @Option(help: "Event type of every CSV row (instead of --map type=COLUMN).")
    var type: String?

    @Option(
        name: .customLong("type-map"),
        help: ArgumentHelp(
            "Rename type values, e.g. addtocart=add_to_cart,transaction=purchase.", valueName: "from=to,…"))
    var typeMap: String?

    func validate() throws {
        // `inspect --state-dir` reads no files; the commands that need them say so.
        for file in files where format == nil && LogFormat.detect(fileName: file) == nil {
            throw ValidationError(
                "cannot tell the format of '\(file)' from its name; pass --format jsonl|csv|movielens-100k|movielens-1m"
            )
        }
    }

    /// Opens every file (failing before any is read if one cannot be).
    func openReaders() throws -> [LogFileReader] {
        try files.map { try LogFileReader(path: $0) }
    }

    /// The CSV mapping, checked up front when any file is CSV.
    func csvMapping() throws -> CSVMapping? {
        guard files.contains(where: { (format ?? LogFormat.detect(fileName: $0)) == .csv }) else { return nil }
        return try CSVMapping(map: map, fixedType: type, typeMap: typeMap)
    }

    func parser(for reader: LogFileReader, schema: EventSchema, csv: CSVMapping?) throws -> any LogLineParser {
        let format = self.format ?? LogFormat.detect(fileName: reader.path)!
        switch format {
        case .jsonl: return JSONLinesParser(schema: schema)
        case .movielens100k, .movielens1m: return MovieLensParser(format: format, schema: schema)
        case .csv:
            do {
                return try CSVParser(
                    mapping: csv!, schema: schema, columns: columns.map { $0.split(separator: ",").map(String.init) })
            } catch {
                throw CommandError.usage("--columns: \(error.message)")
            }
        }
    }

    /// Reads every event of every file in order. Invalid lines go to `onInvalid`
    /// with their `FILE:LINE`; a header that lacks a mapped column stops with a
    /// usage error. `onEvent` returns false to stop early.
    func forEachEvent(
        schema: EventSchema,
        readers: [LogFileReader],
        onInvalid: (LogLineError, String) throws -> Void,
        onEvent: (Event, LogFileReader) throws -> Bool
    ) throws {
        let csv = try csvMapping()
        for reader in readers {
            var parser = try parser(for: reader, schema: schema, csv: csv)
            var stopped = false
            try reader.forEachLine { line in
                do {
                    guard let event = try parser.parse(line) else { return true }
                    stopped = !(try onEvent(event, reader))
                    return !stopped
                } catch let error as LogLineError {
                    if error.reason == "missing_column" { throw CommandError.usage("\(reader.path): \(error.message)") }
                    try onInvalid(error, "\(reader.path):\(reader.lineNumber)")
                    return true
                }
            }
            if stopped { return }
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
