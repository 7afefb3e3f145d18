import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka

/// `streamrec demo`: the whole product in one command, on an embedded cluster.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start an embedded cluster and the engine, replay a sample shop, show recommendations changing live.",
        discussion: """
            Nothing to install or start first: the demo runs its own embedded Kafka-protocol cluster \
            (librdkafka's mock cluster) on loopback, creates the topics, starts the engine \
            (`streamrec run` in this process), sends a generated sample of a small shop (40 users, \
            6 categories, stamped with the current time, 3 malformed records) at --rate events/s, and \
            prints how a few users' top-5 lists change as their events arrive. It ends with a \
            summary: events, dead letters, updates, events/s, and event-to-update latency p50/p99 \
            (from an event's send time to the receipt of the update it caused, by a separate consumer).

            While it runs, the live dashboard and the HTTP API are at engine.http (127.0.0.1:8080 \
            unless --http says otherwise); with --stay they stay up after the summary until Ctrl-C.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Events to send.") var events = 3_000
    @Option(help: "Events per second (a visible pace).") var rate = 500
    @Option(help: ArgumentHelp("Users whose lists are shown as they change.", valueName: "id,…"))
    var follow = "user-3,user-7,user-12"

    @Option(
        help: ArgumentHelp(
            "Dashboard and HTTP API: HOST:PORT, port 0 for any free one, or off (default: engine.http).",
            valueName: "host:port"))
    var http: String?

    @Flag(help: "Keep the engine, the dashboard and the HTTP API running after the summary, until Ctrl-C.")
    var stay = false

    func validate() throws {
        guard events > 0, rate > 0 else { throw ValidationError("--events and --rate must be positive") }
    }

    func run() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        var overrides: [ConfigurationLoader.Override] = [
            .init(path: "kafka.bootstrap_servers", value: cluster.bootstrapServers, origin: "streamrec demo")
        ]
        if let http { overrides.append(.init(path: "engine.http", value: http, origin: "--http")) }
        let context = try CommandContext(global, label: "demo", commandOverrides: overrides)
        _ = try EngineHTTP.address(context.configuration)
        let configuration = context.configuration
        let topics = configuration.topics
        try cluster.createTopic(topics.events, partitions: 6)
        try cluster.createTopic(topics.deadLetter, partitions: 3)
        try cluster.createTopic(topics.recommendations, partitions: 6)
        try cluster.createTopic(topics.changelog, partitions: 6)
        print(
            "embedded cluster at \(cluster.bootstrapServers); topics \(topics.events), \(topics.deadLetter), \(topics.recommendations)"
        )

        // One demo's state at a time, kept until the next demo for `inspect --state-dir`.
        let stateDirectory = (StreamRecHome.path() as NSString).appendingPathComponent("demo")
        try? FileManager.default.removeItem(atPath: stateDirectory)
        // Every client lives inside `stream`: they are gone before the cluster is,
        // so none of them logs the broker going away.
        let outcome = try await stream(on: cluster, context: context, stateDirectory: stateDirectory)
        withExtendedLifetime(cluster) {}

        let statistics = outcome.statistics
        let summary = outcome.updates
        let seconds = outcome.seconds
        print(
            """

            summary
              events sent           \(outcome.valid) valid + \(outcome.malformed) malformed in \(String(format: "%.1f", seconds)) s
              applied by the engine \(statistics.eventsApplied) (\(String(format: "%.0f", Double(statistics.eventsApplied) / seconds)) events/s from first send to last record consumed)
              dead-lettered         \(statistics.rejected.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", "))
              updates published     \(statistics.recommendationsPublished) (coalesced: \(String(format: "%.1f", Double(statistics.eventsApplied) / Double(max(1, statistics.recommendationsPublished)))) events per update)
              updates received      \(summary.count) by a separate consumer
              event → update        p50 \(summary.p50) ms, p99 \(summary.p99) ms (send of the newest event behind an update to its receipt)
              checkpoint            \(CheckpointStore(directory: stateDirectory).path)
            """)
    }

    /// What one demo run did, for its summary.
    struct Outcome {
        var statistics: EngineStatistics
        /// Updates received by the watcher, and their latency percentiles (ms).
        var updates: LatencyPercentiles
        var seconds: Double
        var valid: Int
        var malformed: Int
    }

    /// Runs the engine, the watcher and the sender against `cluster` until every
    /// event is applied and its updates are in.
    private func stream(
        on cluster: EmbeddedKafkaCluster, context: CommandContext, stateDirectory: String
    ) async throws
        -> Outcome
    {
        let configuration = context.configuration
        let topics = configuration.topics
        let engine = try StreamingEngine(
            configuration: configuration, consumer: cluster.consumerConfiguration(groupID: "streamrec-demo"),
            producer: cluster.producerConfiguration(), options: .init(stateDirectory: stateDirectory),
            logger: context.logger)
        let engineTask = Task { try await engine.run() }
        let http = try EngineHTTP.make(
            engine: engine, configuration: configuration, producer: cluster.producerConfiguration(),
            logger: context.logger,
            announce: { print("dashboard and HTTP API at \($0) (live while the demo runs)") })
        let serverTask = Task {
            do {
                try await http?.server.run()
            } catch {
                printError("error: \(error); the demo goes on without its dashboard")
            }
        }
        let printer = DemoListPrinter(follow: Set(follow.split(separator: ",").map(String.init)))
        let watcher = try RecommendationTail(
            consumer: cluster.consumerConfiguration(groupID: "streamrec-demo-watch"),
            topic: topics.recommendations, onUpdate: printer.show)
        print(
            "engine: model \(configuration.model.name), refresh window \(configuration.engine.refreshWindowMilliseconds) ms; waiting for partitions…"
        )
        while engine.statistics.assignedPartitions.count < 6 || !watcher.isAssigned {
            try await Task.sleep(for: .milliseconds(100))
        }

        let sample = DemoSample.make(count: events)
        print(
            "sending \(sample.events.count) events (+\(sample.malformed.count) malformed) at \(rate)/s; following \(follow)"
                + " (each line: a user's top 5 when it changes, * marks an item new to the list)\n"
        )
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: context.logger)
        let encoder = EventEncoder()
        let clock = ContinuousClock()
        let start = clock.now
        for (index, template) in sample.events.enumerated() {
            try await clock.sleep(until: start + .seconds(Double(index) / Double(rate)))
            var event = template
            event.timestampMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
            try await producer.send(
                KafkaProducerMessage(
                    topic: topics.events, key: Array(event.userID.utf8), value: encoder.encode(event),
                    timestampMilliseconds: event.timestampMilliseconds))
            if index % (sample.events.count / (sample.malformed.count + 1)) == 1,
                index / (sample.events.count / (sample.malformed.count + 1)) < sample.malformed.count
            {
                let bytes = sample.malformed[index / (sample.events.count / (sample.malformed.count + 1))]
                try await producer.send(
                    KafkaProducerMessage(topic: topics.events, key: Array("bad".utf8), value: bytes))
            }
            printer.noteSent(event)
        }
        try await producer.close()
        let total = sample.events.count + sample.malformed.count
        while engine.statistics.recordsConsumed < total { try await Task.sleep(for: .milliseconds(50)) }
        // From the first send until the engine has taken the last record; the wait
        // for trailing updates below is not part of the pace.
        let elapsed = clock.now - start
        try await Task.sleep(for: .milliseconds(Int64(configuration.engine.refreshWindowMilliseconds) + 500))
        if stay, http != nil {
            print("\nthe sample is sent; the engine and the dashboard keep running until Ctrl-C")
            await Interrupt.wait()
        }
        engine.requestStop()
        try await engineTask.value
        // Its producer closes before the cluster goes.
        serverTask.cancel()
        await serverTask.value
        try? await http?.producer.close(timeout: .seconds(5))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Outcome(
            statistics: engine.statistics, updates: LatencyPercentiles(watcher.stop()), seconds: seconds,
            valid: sample.events.count, malformed: sample.malformed.count)

    }
}
