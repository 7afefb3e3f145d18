import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecHTTP

/// `streamrec inspect`: build the feature store from a log and show what it holds.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Build the feature store from historical logs offline and print what it holds.",
        discussion: """
            Reads the same formats as `replay` (see `streamrec replay --help`), sorts the valid \
            events by event time (keeping file order among equal times; --file-order skips this), \
            applies them to the feature store, and prints a summary, or the views asked for. Decays \
            are read at the newest event time in the log.

            With --state-dir DIR, reads the engine's latest checkpoint instead of logs, with the users \
            it holds outside memory (DIR/users) as of that checkpoint, so that live state can be looked \
            at offline (the engine may keep running: checkpoints are replaced atomically, the user store \
            is read as of the checkpoint). The summary then also gives the checkpoint's offsets and model.

            With --json: one view prints that view alone (an object for --user/--item, an array for \
            --similar/--popular/--trending); several print one object keyed by view name.
            """
    )

    @OptionGroup var global: OfflineOptions
    @OptionGroup var input: LogInputOptions

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("Read the engine's checkpoint in this directory instead of log files.", valueName: "dir"))
    var stateDirectory: String?

    @Option(help: "Show this user's features.")
    var user: String?

    @Option(help: "Show this item's features.")
    var item: String?

    @Option(help: "Show the items most similar to this one (co-occurrence).")
    var similar: String?

    @Option(help: "Show the N most popular items.")
    var popular: Int?

    @Option(help: "Show the N fastest-rising items.")
    var trending: Int?

    @Option(help: "How many similar items to show.")
    var limit: Int = 10

    @Flag(help: "Machine-readable JSON instead of text.")
    var json = false

    @Flag(
        name: .customLong("file-order"),
        help: "Apply events in file order instead of sorting them by event time first (less memory).")
    var fileOrder = false

    func validate() throws {
        if stateDirectory == nil, input.files.isEmpty {
            throw ValidationError("give log files to read, or --state-dir")
        }
        if stateDirectory != nil, !input.files.isEmpty {
            throw ValidationError("give log files or --state-dir, not both")
        }
        if let popular, popular < 1 { throw ValidationError("--popular must be at least 1") }
        if let trending, trending < 1 { throw ValidationError("--trending must be at least 1") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let context = try CommandContext(global, label: "inspect")
        let schema = context.configuration.events
        let store: FeatureStore
        var summary: [String: Any] = [:]
        if let stateDirectory {
            guard var reader = try StateDirectoryReader(directory: stateDirectory, configuration: context.configuration)
            else {
                throw CommandError.failed(
                    "no checkpoint in \(stateDirectory): `streamrec run --state-dir \(stateDirectory)` writes one")
            }
            let checkpoint = reader.checkpoint
            store = try reader.features(with: user)
            summary = FeatureJSON.summary(store, invalidLines: 0)
            summary["invalid_lines"] = nil
            if user == nil {
                let users = try reader.userCount()
                summary["users"] = users.inMemory + users.inStore
                summary["users_in_memory"] = users.inMemory
            }
            summary["checkpoint"] =
                [
                    "path": reader.checkpointPath, "topic": checkpoint.topic, "model": checkpoint.modelName,
                    "written_at": RFC3339.format(checkpoint.writtenAt), "records_consumed": checkpoint.recordsConsumed,
                    "events_applied": checkpoint.eventsApplied,
                    "offsets": Dictionary(uniqueKeysWithValues: checkpoint.offsets.map { (String($0.key), $0.value) }),
                ] as [String: Any]
        } else {
            (store, summary) = try storeFromLogs(schema: schema, settings: context.configuration.features)
        }

        var views: [(String, Any)] = []
        if let user {
            guard let features = store.userFeatures(user) else {
                throw CommandError.failed("user '\(user)' is not in the \(source)")
            }
            views.append(("user", FeatureJSON.user(features)))
        }
        if let item {
            guard let features = store.itemFeatures(item) else {
                throw CommandError.failed("item '\(item)' is not in the \(source)")
            }
            views.append(("item", FeatureJSON.item(features)))
        }
        if let similar {
            guard store.itemFeatures(similar) != nil else {
                throw CommandError.failed("item '\(similar)' is not in the \(source)")
            }
            views.append(("similar", store.similar(to: similar, limit: limit).map(FeatureJSON.scored)))
        }
        if let popular { views.append(("popular", store.popular(limit: popular).map(FeatureJSON.scored))) }
        if let trending { views.append(("trending", store.trending(limit: trending).map(FeatureJSON.scored))) }
        if views.isEmpty {
            views.append(("summary", summary))
            views.append(("popular", store.popular(limit: 10).map(FeatureJSON.scored)))
        }

        if json {
            let value: Any = views.count == 1 ? views[0].1 : Dictionary(uniqueKeysWithValues: views)
            let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (name, value) in views { print(FeatureText.render(name, value)) }
        }
    }
}

extension InspectCommand {
    /// What the views are read from, for messages.
    var source: String { stateDirectory == nil ? "log" : "checkpoint" }

    /// The store built from the log files, and the summary with the count of invalid lines.
    private func storeFromLogs(schema: EventSchema, settings: FeatureSettings) throws -> (FeatureStore, [String: Any]) {
        var store = FeatureStore(schema: schema, settings: settings)
        var invalid = 0
        var events: [Event] = []
        try input.forEachEvent(
            schema: schema, readers: try input.openReaders(), onInvalid: { _, _ in invalid += 1 },
            onEvent: { event, _ in
                if fileOrder { store.apply(event) } else { events.append(event) }
                return true
            })
        // Logs such as MovieLens' u.data are not in time order; sorted (stably), the
        // store ends as live processing in event-time order would have left it.
        events.sort { $0.timestampMilliseconds < $1.timestampMilliseconds }
        for event in events { store.apply(event) }
        return (store, FeatureJSON.summary(store, invalidLines: invalid))
    }
}
