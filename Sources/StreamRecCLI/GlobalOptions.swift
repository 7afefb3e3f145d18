import ArgumentParser
import Logging

/// Options every `streamrec` command takes, in the spirit of kcat's.
package struct GlobalOptions: ParsableArguments, Sendable {
    @Option(
        name: [.customShort("b"), .customLong("bootstrap-servers")],
        help: ArgumentHelp(
            "Kafka brokers, HOST:PORT[,HOST:PORT…] (env STREAMREC_BOOTSTRAP_SERVERS). Without it: the config file, then the local `streamrec broker`.",
            valueName: "host:port"))
    var bootstrapServers: String?

    @Option(
        name: [.customShort("c"), .customLong("config")],
        help: ArgumentHelp(
            "Configuration file (env STREAMREC_CONFIG; default config/streamrec.yaml when present).", valueName: "file")
    )
    var configFile: String?

    @Option(
        name: .customShort("X", allowingJoined: true),
        help: ArgumentHelp(
            "Any librdkafka property, e.g. -X security.protocol=SASL_SSL (repeatable).", valueName: "key=value"))
    var properties: [String] = []

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .warning

    package init() {}
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
