import ArgumentParser
import Foundation
import ServiceLifecycle
import StreamRecCore
import StreamRecHTTP
import StreamRecKafka

/// `streamrec serve`: the read service over the recommendations topic.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer recommendation requests over HTTP from the recommendations topic, apart from the engine.",
        discussion: """
            Reads every partition of topics.recommendations from its first retained record into memory \
            (the topic is compacted: about one record per user) and keeps reading, so that each user's \
            newest published list is served. It joins no consumer group and keeps no state: start as \
            many as the read load needs, anywhere that reaches Kafka, and restart them freely. Reads \
            then scale apart from the engine, and every user is served whichever engine instance \
            owns them.

            Routes: GET /v1/users/{id}/recommendations?n= (at most the engine's model.top_n items; 404 \
            for a user with no list yet), its live stream …/recommendations/stream, POST /recommend, \
            /healthz, /readyz (503 until the topic present at start has been read), /v1/stats (users \
            served, records behind the topic) and /metrics. Tokens and body limits as for `run` \
            (http.token, http.read_token, http.max_body_bytes).

            Examples:
              streamrec serve
              streamrec serve --http 0.0.0.0:8081 -b kafka-1:9092
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "HOST:PORT to listen on, port 0 for any free one (default: serve.http, 127.0.0.1:8081).",
            valueName: "host:port"))
    var http: String?

    func run() async throws {
        var overrides: [ConfigurationLoader.Override] = []
        if let http { overrides.append(.init(path: "serve.http", value: http, origin: "--http")) }
        let context = try CommandContext(global, label: "serve", commandOverrides: overrides)
        let configuration = context.configuration
        guard let address = try APIServer.address(configuration.http.serveAddress, setting: "serve.http (--http)")
        else { throw CommandError.usage("serve.http cannot be off: serving is all `serve` does") }
        let topic = configuration.topics.recommendations
        let (_, metadata) = try await context.connectedAdmin()
        guard let partitions = metadata.topic(named: topic)?.partitions.map(\.id), !partitions.isEmpty else {
            throw CommandError.usage(
                "topic '\(topic)' does not exist on \(try context.bootstrap().servers): create it with `streamrec topics apply`"
            )
        }
        let table = try RecommendationTable(
            client: context.clientConfiguration(), topic: topic, partitions: partitions, logger: context.logger)
        defer { table.stop() }
        let backend = TopicBackend(table: table)
        let settings = APISettings(configuration)
        let server = APIServer(
            host: address.host, port: address.port,
            makeRouter: { APIRouter.make(backend: backend, settings: settings, metrics: MetricsSetup.registry) },
            logger: context.logger,
            onListening: { printError("streamrec serve: \(topic) over HTTP at http://\($0)/") })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: context.logger))
        try await group.run()
    }
}
