import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StreamRecCore
import StreamRecKafka

/// `streamrec broker`: the embedded Kafka-protocol cluster, in the foreground.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded Kafka-protocol cluster (no Kafka install needed).",
        discussion: """
            Starts librdkafka's mock cluster on loopback, creates the topics of the topics folder, \
            prints the bootstrap address as the first line of standard output (HOST:PORT[,…], for \
            scripts) and records it in $STREAMREC_HOME/broker (default ~/.streamrec/broker) so that \
            other streamrec commands on this machine find it. Stops on SIGINT or SIGTERM.

            With --detach the broker runs in the background: the command prints the address and \
            returns once the broker is ready, so that a script can write \
            `addr=$(streamrec broker --detach)`. The broker's log goes to \
            $STREAMREC_HOME/broker.log; stop it with `kill PID` (the pid is printed on standard \
            error and is the second line of the address file).

            Limits of the embedded cluster: each partition keeps only about the last 5 MiB of \
            (compressed) records, so old data disappears on large replays and `--reset-to earliest` \
            reprocesses only what is retained; topic configs (cleanup.policy…) are not enforced; \
            state is in memory and gone when the broker stops. Kafka clients can connect as to any \
            broker, e.g. `kcat -b $(head -1 ~/.streamrec/broker) -L`.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of brokers (1-9). Replication factors are capped at this.")
    var brokers: Int = 1

    @Option(help: "Partitions of every topic, instead of each definition's own count.")
    var partitions: Int?

    @Option(
        name: .customLong("topics-dir"),
        help: "Folder of topic definitions (default: topics.directory if it exists, else the built-in ones).")
    var topicsDirectory: String?

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "An extra topic to create, NAME[:PARTITIONS] (repeatable; default partitions: --partitions or 6).",
            valueName: "name[:partitions]"))
    var extraTopics: [String] = []

    @Flag(name: .customLong("no-address-file"), help: "Do not record the address for other commands.")
    var noAddressFile = false

    @Flag(help: "Run in the background: print the address once the broker is ready, then return.")
    var detach = false

    func validate() throws {
        for topic in extraTopics { _ = try Self.parseTopic(topic, defaultPartitions: 6) }
        guard (1...9).contains(brokers) else {
            throw ValidationError("--brokers must be between 1 and 9, got \(brokers)")
        }
        if let partitions, !(1...1_000).contains(partitions) {
            throw ValidationError("--partitions must be between 1 and 1000, got \(partitions)")
        }
    }

    func run() async throws {
        if detach { return try Self.startDetached(arguments: Array(CommandLine.arguments.dropFirst())) }
        let context = try CommandContext(global, label: "broker")
        let topics =
            try TopicDirectory.resolve(option: topicsDirectory, configured: context.configuration.topics.directory)
            .map { definition in
                var definition = definition
                definition.partitions = partitions ?? definition.partitions
                return definition
            }
            + extraTopics.map { try Self.parseTopic($0, defaultPartitions: partitions ?? 6) }
        let addressFile = BrokerAddressFile()
        let pid = getpid()
        if !noAddressFile, let running = addressFile.read(), running.pid != pid {
            throw CommandError.usage(
                """
                another streamrec broker (pid \(running.pid)) is running at \(running.bootstrapServers); \
                stop it, or start this one with --no-address-file
                """)
        }

        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: context.logger)
        for topic in topics {
            try cluster.createTopic(
                topic.name, partitions: Int32(topic.partitions),
                replicationFactor: Int32(min(topic.replicationFactor, brokers)))
        }
        // Everything is in place before the address line appears: a script that has
        // read it can use the broker, the topics and the address file at once.
        if !noAddressFile {
            try addressFile.write(.init(bootstrapServers: cluster.bootstrapServers, pid: pid))
        }
        let names = topics.map { "\($0.name)(\($0.partitions))" }.joined(separator: ", ")
        let announcement =
            "streamrec broker ready: \(brokers) broker(s) at \(cluster.bootstrapServers); topics: \(names). Ctrl-C to stop."
        let service = EmbeddedBrokerService(cluster: cluster) {
            printError(announcement)
            print(cluster.bootstrapServers)
            fflush(nil)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: context.logger
            ))
        let outcome = await Result { try await group.run() }
        if !noAddressFile { addressFile.remove(ifOwnedBy: pid) }
        try outcome.get()
        printError("streamrec broker stopped.")
    }
}

/// Keeps the embedded cluster alive until graceful shutdown.
struct EmbeddedBrokerService: Service {
    let cluster: EmbeddedKafkaCluster
    /// Runs once the service group handles SIGINT/SIGTERM, so that a signal sent as
    /// soon as the address is announced still stops the broker cleanly.
    let announce: @Sendable () -> Void

    func run() async throws {
        announce()
        // Returns when SIGINT/SIGTERM starts the shutdown; the cluster stops when released.
        try? await gracefulShutdown()
        withExtendedLifetime(cluster) {}
    }
}

extension BrokerCommand {
    /// Starts this command again without `--detach`, in the background with its
    /// standard error in `$STREAMREC_HOME/broker.log`, prints the address it
    /// announces and returns. Its standard output is a pipe that the broker writes
    /// nothing to after the address, so it outlives this process unharmed.
    static func startDetached(arguments: [String]) throws {
        let home = StreamRecHome.path()
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let logPath = (home as NSString).appendingPathComponent("broker.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let child = Process()
        // This very executable: argv[0] may be a bare name found through PATH.
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments.filter { $0 != "--detach" }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle(forWritingAtPath: logPath)
        child.standardInput = FileHandle.nullDevice
        try child.run()
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let descriptor = output.fileHandleForReading.fileDescriptor
        while read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        guard !line.isEmpty else {
            child.waitUntilExit()
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw CommandError.failed("the broker did not start (exit \(child.terminationStatus)): \(log)")
        }
        print(String(decoding: line, as: UTF8.self))
        printError(
            "streamrec broker: running as pid \(child.processIdentifier), log in \(logPath); stop it with kill \(child.processIdentifier)"
        )
    }

    /// Parses `NAME[:PARTITIONS]`.
    static func parseTopic(_ text: String, defaultPartitions: Int) throws -> TopicDefinition {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let partitions = parts.count == 2 ? Int(parts[1]) : defaultPartitions,
            (1...1_000).contains(partitions)
        else {
            throw ValidationError("--topic expects NAME[:PARTITIONS] with 1-1000 partitions, got '\(text)'")
        }
        return try TopicDefinition.parse(
            yaml: "name: \"\(parts[0])\"\npartitions: \(partitions)\nreplication_factor: 1\n", file: "--topic \(text)")
    }
}
