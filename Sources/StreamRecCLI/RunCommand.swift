import ArgumentParser
import Foundation
import ServiceLifecycle
import StreamRecCore
import StreamRecEngine
import StreamRecKafka

/// `streamrec run`: the streaming engine.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Consume events, update features and the model, publish refreshed recommendations.",
        discussion: """
            Joins consumer group consumer.group_id on topics.events, sends records that are not valid \
            events to topics.dead_letter with the reason, applies each event to the feature store and \
            the model (model.name) in partition-offset order, and publishes a Recommendation v1 for each \
            touched user to topics.recommendations, keyed by user id. A user's first event is answered \
            at once; more events within engine.refresh_window_ms are coalesced into one trailing update. \
            With engine.periodic_refresh_ms set, recently active users whose list has drifted (computed \
            engine.periodic_refresh_drift_events events ago) are refreshed periodically too.

            State is checkpointed to --state-dir with the next offset of every partition (every \
            engine.checkpoint_interval_ms or engine.checkpoint_events), then group offsets are committed. \
            A restart, even after kill -9, resumes from the checkpoint and applies every event exactly \
            once. Without a checkpoint, partitions start at the committed offsets, then \
            consumer.auto_offset_reset.

            To rebuild state from history: --fresh (discard the checkpoint; from the earliest retained \
            record unless --reset-to says otherwise), or --reset-to with an empty state directory. The \
            embedded broker retains only about 5 MiB per partition, so only that much can be reprocessed \
            there; a real cluster keeps what its retention settings say.

            Scale out by starting more instances with the same group id, each with its own state \
            directory: Kafka assigns partitions, and user state follows the user-keyed partitions.

            HTTP (engine.http, --http; 127.0.0.1:8080 by default, off to disable): the live \
            dashboard at /, recommendations at GET /v1/users/{id}/recommendations and POST /recommend, \
            items, features, POST /v1/events, /healthz, /readyz and Prometheus metrics at /metrics; \
            docs/http-api.md and openapi/streamrec.yaml describe every route.

            SIGINT/SIGTERM: finish the batch, publish pending updates, checkpoint, commit and close, \
            within engine.shutdown_timeout_ms.

            Examples:
              streamrec run
              streamrec run --state-dir /var/lib/streamrec --model bpr
              streamrec run --fresh --reset-to 2026-11-01T00:00:00Z
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("Checkpoint directory (default: state.directory).", valueName: "dir"))
    var stateDirectory: String?

    @Flag(help: "Discard the checkpoint and rebuild state from the log (from --reset-to, else earliest).")
    var fresh = false

    @Option(
        name: .customLong("reset-to"),
        help: ArgumentHelp(
            "Where partitions start when rebuilding: earliest, latest or an RFC 3339 time. Needs --fresh or an empty state directory.",
            valueName: "position"))
    var resetTo: String?

    @Option(
        help: ArgumentHelp(
            "Model to run (default: model.name): \(ModelCatalog.names.joined(separator: ", ")).", valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("Consumer group id (default: consumer.group_id).", valueName: "id"))
    var group: String?

    @Option(
        name: .customLong("instance-id"),
        help: ArgumentHelp(
            "Static group membership id, unique per instance (default: consumer.instance_id; none).", valueName: "id"))
    var instanceID: String?

    @Option(
        help: ArgumentHelp(
            "HTTP API, /metrics and dashboard: HOST:PORT, port 0 for any free one, or off (default: engine.http, 127.0.0.1:8080).",
            valueName: "host:port"))
    var http: String?

    @Option(
        name: .customLong("status-interval"), parsing: .unconditional,
        help: ArgumentHelp("Seconds between status lines on stderr; 0 for none.", valueName: "seconds"))
    var statusInterval: Double = 10

    func validate() throws {
        if let resetTo, ResetPosition(argument: resetTo) == nil {
            throw ValidationError(
                "--reset-to expects earliest, latest or an RFC 3339 time such as 2026-11-01T00:00:00Z, got '\(resetTo)'"
            )
        }
        if !(statusInterval >= 0) { throw ValidationError("--status-interval must be 0 or more seconds") }
    }

    func run() async throws {
        var overrides: [ConfigurationLoader.Override] = []
        if let model { overrides.append(.init(path: "model.name", value: model, origin: "--model")) }
        if let group { overrides.append(.init(path: "consumer.group_id", value: group, origin: "--group")) }
        if let instanceID {
            overrides.append(.init(path: "consumer.instance_id", value: instanceID, origin: "--instance-id"))
        }
        if let stateDirectory {
            overrides.append(.init(path: "state.directory", value: stateDirectory, origin: "--state-dir"))
        }
        if let http { overrides.append(.init(path: "engine.http", value: http, origin: "--http")) }
        let context = try CommandContext(global, label: "run", commandOverrides: overrides)
        let configuration = context.configuration
        if resetTo != nil, !fresh,
            FileManager.default.fileExists(atPath: CheckpointStore(directory: configuration.state.directory).path)
        {
            throw CommandError.usage(
                """
                --reset-to rebuilds state from the log, but \(configuration.state.directory) holds a checkpoint: \
                add --fresh to discard it, or give an empty --state-dir
                """)
        }
        // An unknown model or a malformed address is a usage error: report it
        // before connecting anywhere.
        _ = try EngineHTTP.address(configuration)
        let model = try ModelCatalog.make(
            configuration.model.name, schema: configuration.events,
            features: configuration.features, settings: configuration.model.settings)
        if configuration.engine.shareItemState == "true", !model.sharesItemState {
            throw CommandError.usage(
                """
                engine.share_item_state: true needs a model whose item state can be shared (hybrid, cooccurrence, \
                popularity); model.name is '\(configuration.model.name)': change one of them
                """)
        }

        let (_, metadata) = try await context.connectedAdmin()
        let topics = Set(metadata.topics.map(\.name))
        for topic in [
            configuration.topics.events, configuration.topics.recommendations, configuration.topics.deadLetter,
        ]
        where !topics.contains(topic) {
            throw CommandError.usage(
                "topic '\(topic)' does not exist on \(try context.bootstrap().servers): create it with `streamrec topics apply`"
            )
        }

        let engine = try StreamingEngine(
            configuration: configuration,
            consumer: context.consumerConfiguration(groupID: configuration.consumer.groupID),
            producer: context.producerConfiguration(),
            options: .init(
                stateDirectory: configuration.state.directory, fresh: fresh,
                resetTo: resetTo.flatMap(ResetPosition.init(argument:))),
            logger: context.logger)
        printError(
            """
            streamrec run: \(configuration.topics.events) → \(configuration.topics.recommendations) at \(try context.bootstrap().servers); \
            group \(configuration.consumer.groupID), model \(configuration.model.name), state in \(configuration.state.directory). Ctrl-C to stop.
            streamrec run: \(engine.origin)
            """)
        let status = StatusLine()
        // Graceful shutdown reaches services in reverse order: the watchdog starts
        // its clock first, the engine finishes last. The engine ending ends the group.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: engine)]
        let http = try EngineHTTP.make(
            engine: engine, configuration: configuration, producer: context.producerConfiguration(),
            logger: context.logger,
            announce: { printError("streamrec run: HTTP API, metrics and dashboard at \($0)") })
        if let http { services.append(.init(service: http.server)) }
        if statusInterval > 0 {
            let reporter = StatusReporter(
                engine: engine, interval: .milliseconds(Int64(statusInterval * 1000)),
                report: { status.print($0) })
            services.append(.init(service: reporter, successTerminationBehavior: .ignore))
        }
        let watchdog = ShutdownWatchdog(timeout: .milliseconds(configuration.engine.shutdownTimeoutMilliseconds))
        services.append(.init(service: watchdog, successTerminationBehavior: .ignore))
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: context.logger))
        try await serviceGroup.run()
        try? await http?.producer.close(timeout: .seconds(5))
        let final = engine.statistics
        printError("streamrec run stopped: \(StatusLine.describe(final))")
    }
}
