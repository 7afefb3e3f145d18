import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// `streamrec watch`: follow the recommendation topic.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print recommendation updates as the engine publishes them.",
        discussion: """
            Subscribes to topics.recommendations with a consumer group of its own (nothing is \
            committed, so watching never disturbs another reader) and prints each update: a table on \
            a terminal, one JSON object per line with --json (the message as published, \
            Recommendation v1). Output is at-least-once; an update that does not supersede one already \
            shown for the user (a later based_on event, or the same one refreshed later) is skipped \
            (--all shows it).

            On the embedded broker the first update appears about 3 s after start: joining a group \
            takes that long there.

            Examples:
              streamrec watch
              streamrec watch --user u42 --from-beginning
              streamrec watch --json --count 100 > updates.jsonl
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only this user's updates.")
    var user: String?

    @Flag(name: .customLong("from-beginning"), help: "Start at the oldest retained update instead of new ones only.")
    var fromBeginning = false

    @Flag(help: "One JSON object per line (Recommendation v1) instead of tables.")
    var json = false

    @Option(parsing: .unconditional, help: "Exit after printing this many updates.")
    var count: Int?

    @Flag(help: "Also show updates not newer than one already shown for the user.")
    var all = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let context = try CommandContext(global, label: "watch")
        let topic = context.configuration.topics.recommendations
        _ = try await context.connectedAdmin()
        var consumerConfiguration = try context.consumerConfiguration(
            groupID: "streamrec-watch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        consumerConfiguration.autoOffsetReset = fromBeginning ? .earliest : .latest
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: context.logger)
        try consumer.subscribe(topics: [topic])
        printError(
            "streamrec watch: \(topic)\(user.map { ", user \($0)" } ?? "")\(fromBeginning ? ", from the beginning" : ", new updates"). Ctrl-C to stop."
        )

        var printer = RecommendationPrinter(json: json, skipStale: !all)
        var shown = 0
        // Runs until --count or a signal; it commits nothing, so being killed loses nothing.
        while true {
            for message in try await consumer.nextBatch(maxMessages: 1_000, timeout: .milliseconds(200)) {
                if let user, message.keyString != user { continue }
                guard let value = message.value else { continue }
                if try printer.show(value, partition: message.partition, offset: message.offset) {
                    shown += 1
                    if let count, shown >= count {
                        try await consumer.close()
                        return
                    }
                }
            }
        }
    }
}

/// Turns Recommendation v1 messages into what `watch` prints.
struct RecommendationPrinter {
    let json: Bool
    let skipStale: Bool
    private var newest: [String: Recommendation] = [:]

    init(json: Bool, skipStale: Bool) {
        self.json = json
        self.skipStale = skipStale
    }

    /// Prints one update; false when it was skipped as stale or unreadable.
    mutating func show(_ value: ArraySlice<UInt8>, partition: Int32, offset: Int64) throws -> Bool {
        let recommendation: Recommendation
        do {
            recommendation = try Recommendation(decoding: value)
        } catch {
            printError("warning: skipping \(partition)@\(offset) on the recommendation topic: \(error)")
            return false
        }
        if skipStale, let seen = newest[recommendation.userID], !recommendation.supersedes(seen) { return false }
        newest[recommendation.userID] = recommendation
        if json {
            FileHandle.standardOutput.write(Data(value) + Data("\n".utf8))
        } else {
            print(Self.table(recommendation))
        }
        return true
    }

    static func table(_ r: Recommendation) -> String {
        let source = "event \(r.basedOn.partition)@\(r.basedOn.offset) of \(RFC3339.format(r.basedOn.eventTime))"
        var lines = [
            "\(r.userID) · \(r.model) · \(r.items.count) items · \(source) · at \(RFC3339.format(r.generatedAt))"
        ]
        let width = min(40, r.items.map(\.itemID.count).max() ?? 0)
        for (rank, item) in r.items.enumerated() {
            let name = item.itemID.padding(toLength: max(width, item.itemID.count), withPad: " ", startingAt: 0)
            lines.append(String(format: "  %3d. %@  %.4f", rank + 1, name, item.score))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
