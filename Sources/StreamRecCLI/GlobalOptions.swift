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
        name: .customShort("X", allowingJoined: true),
        help: ArgumentHelp(
            "Any librdkafka property, e.g. -X security.protocol=SASL_SSL (repeatable).", valueName: "key=value"))
    var properties: [String] = []

    @OptionGroup var local: LocalOptions

    package init() {}

    /// `arguments` with the global options given before the subcommand moved after
    /// it, where the parser looks for them: `streamrec -c my.yaml topics apply`
    /// reads as `streamrec topics apply -c my.yaml`. Stops at the first argument
    /// that is not a global option (the subcommand, `--help`, `--version`).
    static func movedAfterSubcommand(_ arguments: [String]) -> [String] {
        var moved: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if takesValue.contains(argument), index + 1 < arguments.count {
                moved += arguments[index...(index + 1)]
                index += 2
            } else if joined.contains(where: { argument.hasPrefix($0) }) {
                moved.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !moved.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        // Before a `--`, after which everything is positional.
        rest.insert(contentsOf: moved, at: rest.firstIndex(of: "--") ?? rest.endIndex)
        return rest
    }

    private static let takesValue: Set = [
        "-b", "--bootstrap-servers", "-c", "--config", "-X", "--log-level", "--log-format",
    ]
    private static let joined = ["--bootstrap-servers=", "--config=", "--log-level=", "--log-format=", "-X"]
}

/// The options every command takes, offline ones too: the configuration file and
/// the log level.
package struct LocalOptions: ParsableArguments, Sendable {
    @Option(
        name: [.customShort("c"), .customLong("config")],
        help: ArgumentHelp(
            "Configuration file (env STREAMREC_CONFIG; default config/streamrec.yaml when present).", valueName: "file")
    )
    var configFile: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .warning

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "text, or json for one JSON object per line (env STREAMREC_LOG_FORMAT).", valueName: "format"))
    var logFormat: LogOutputFormat?

    package init() {}
}

extension LogOutputFormat: ExpressibleByArgument {}

/// What a command's context needs of its options: offline commands take only the
/// configuration file and the log level.
protocol CommandOptions {
    var local: LocalOptions { get }
    var bootstrapServers: String? { get }
    var properties: [String] { get }
}

extension GlobalOptions: CommandOptions {}

/// The options of commands that never connect to Kafka (`inspect`, `evaluate`):
/// `-b` and `-X` would do nothing there, so they are refused.
struct OfflineOptions: ParsableArguments, CommandOptions {
    @OptionGroup var local: LocalOptions

    // Parsed only to refuse them with a message that says why.
    @Option(name: [.customShort("b"), .customLong("bootstrap-servers")], help: .hidden)
    var givenBootstrapServers: String?
    @Option(name: .customShort("X", allowingJoined: true), help: .hidden)
    var givenProperties: [String] = []

    var bootstrapServers: String? { nil }
    var properties: [String] { [] }

    func validate() throws {
        if givenBootstrapServers != nil || !givenProperties.isEmpty {
            throw ValidationError(
                "this command reads files offline and never connects to Kafka: leave out -b/--bootstrap-servers and -X")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
