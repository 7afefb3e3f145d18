import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// `streamrec replay`: historical logs into the events topic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Produce historical logs to the events topic, keyed by user, stamped with event time.",
        discussion: """
            Formats (detected from the name, or --format): jsonl (Event v1 per line), csv (header row; \
            --map names the columns), movielens-100k (u.data: user TAB item TAB rating TAB seconds), \
            movielens-1m (ratings.dat: user::item::rating::seconds). Files may be gzip-compressed.

            Lines that are not valid events are reported with FILE:LINE and skipped (--strict stops \
            at the first); the summary counts them by reason. Pacing: as fast as possible (default), \
            --rate N events/s, or --speedup X (event time, X times faster than it happened).

            Events are sent in event-time order (stable: events of the same time keep their input \
            order), whatever the order of the files: all files are read first, sorted within \
            --sort-memory and merged from sorted runs on disk beyond it. --order file sends them as \
            read instead, starting at once. --limit takes the first N events in the order sent. The \
            summary says how many events were read out of event-time order.

            Examples:
              streamrec replay u.data --speedup 86400
              streamrec replay events.csv.gz \\
                --map user=visitorid,item=itemid,type=event,timestamp=timestamp \\
                --type-map addtocart=add_to_cart,transaction=purchase
              streamrec replay ratings.csv --type rating \\
                --map user=userId,item=movieId,value=rating,timestamp=timestamp
              streamrec replay UserBehavior.csv \\
                --columns user,item,category,behavior,ts \\
                --map user=user,item=item,type=behavior,timestamp=ts \\
                --type-map pv=view,fav=click,cart=add_to_cart,buy=purchase

            On the embedded broker each partition keeps only about 5 MiB of records: \
            consume while a large replay runs, or the oldest events are dropped first.
            """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var input: LogInputOptions

    @Option(help: "Topic to produce to (default: topics.events).")
    var topic: String?

    @Option(parsing: .unconditional, help: "Stop after sending this many events.")
    var limit: Int?

    @Option(help: ArgumentHelp("Skip events before this time (RFC 3339 or epoch ms).", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Skip events at or after this time (RFC 3339 or epoch ms).", valueName: "time"))
    var to: String?

    @Option(help: ArgumentHelp("time: by event time (default); file: as read.", valueName: "time|file"))
    var order: OrderArgument = .time

    @Option(
        name: .customLong("sort-memory"),
        help: ArgumentHelp("Megabytes of events sorted in memory before sorted runs go to disk.", valueName: "MB"))
    var sortMemory = 256

    @Option(parsing: .unconditional, help: "Send at most this many events per second.")
    var rate: Double?

    @Option(parsing: .unconditional, help: "Replay at event-time pace, this many times faster than it happened.")
    var speedup: Double?

    @Flag(name: .customLong("dry-run"), help: "Read and validate only; send nothing.")
    var dryRun = false

    @Flag(help: "Stop at the first invalid line (exit 1) instead of skipping it.")
    var strict = false

    @Option(name: .customLong("show-errors"), help: "How many invalid lines to print (the summary counts all).")
    var showErrors = 10

    @Flag(name: .customLong("no-progress"), help: "No progress line, even on a terminal.")
    var noProgress = false

    func validate() throws {
        if input.files.isEmpty {
            throw ValidationError("give at least one log file to \(Self.configuration.commandName!)")
        }
        if rate != nil, speedup != nil { throw ValidationError("give --rate or --speedup, not both") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be a positive number of events per second") }
        if let speedup, !(speedup > 0) { throw ValidationError("--speedup must be a positive factor") }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
        if sortMemory < 1 { throw ValidationError("--sort-memory must be at least 1 (MB)") }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, Self.time(value) == nil {
                throw ValidationError("\(name) expects an RFC 3339 time or epoch milliseconds, got '\(value)'")
            }
        }
    }

    enum OrderArgument: String, ExpressibleByArgument, CaseIterable {
        case time, file
    }

    static func time(_ text: String) -> Int64? {
        Int64(text) ?? RFC3339.milliseconds(text)
    }

    func run() async throws {
        let context = try CommandContext(global, label: "replay")
        let schema = context.configuration.events
        let topic = self.topic ?? context.configuration.topics.events
        let pacing: ReplayPacing = rate.map { .rate($0) } ?? speedup.map { .speedup($0) } ?? .unpaced
        _ = try input.csvMapping()
        let readers = try input.openReaders()

        var sink: ReplaySink
        if dryRun {
            sink = .dryRun
        } else {
            sink = .kafka(try await context.producer(to: topic))
        }

        var replay = Replay(
            topic: topic, pacing: pacing, limit: limit, window: (from.flatMap(Self.time), to.flatMap(Self.time)),
            strict: strict, showErrors: showErrors, progress: ReplayProgress(enabled: !noProgress))
        let order: ReplayOrder = self.order == .file ? .file : .time(memoryBudget: sortMemory << 20)
        try replay.run(input, schema: schema, readers: readers, order: order, sink: &sink)
        try await replay.finish(sink: sink)
    }
}
