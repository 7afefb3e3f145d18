/// One setting: where it lives in the file, which environment variable sets it,
/// its type, and how to read and write it on ``StreamRecConfiguration``.
public struct ConfigurationKey: Sendable {
    /// Dotted file key, e.g. `kafka.bootstrap_servers`.
    public let path: String
    /// Environment variable, e.g. `STREAMREC_BOOTSTRAP_SERVERS`.
    public let environment: String
    public let summary: String
    let kind: Kind

    enum Kind: Sendable {
        case string(get: @Sendable (StreamRecConfiguration) -> String, set: @Sendable (inout StreamRecConfiguration, String) -> Void)
        case choice([String], get: @Sendable (StreamRecConfiguration) -> String, set: @Sendable (inout StreamRecConfiguration, String) -> Void)
        case integer(ClosedRange<Int>, get: @Sendable (StreamRecConfiguration) -> Int, set: @Sendable (inout StreamRecConfiguration, Int) -> Void)
        /// A map of free-form keys (librdkafka properties).
        case properties
    }

    /// Every setting StreamRec knows. A key in a file or a `STREAMREC_` variable
    /// that is not here is an error.
    public static let all: [ConfigurationKey] = [
        .string("kafka.bootstrap_servers", "STREAMREC_BOOTSTRAP_SERVERS",
                "Kafka brokers, host:port[,host:port…]; empty uses the local `streamrec broker`",
                \.kafka.bootstrapServers),
        .string("kafka.client_id", "STREAMREC_CLIENT_ID", "client.id sent to the brokers", \.kafka.clientID),
        ConfigurationKey(path: "kafka.properties", environment: "STREAMREC_KAFKA_PROPERTIES",
                         summary: "librdkafka properties passed through (file: a map; env: k=v,k=v)", kind: .properties),
        .integer("kafka.connect_timeout_ms", "STREAMREC_CONNECT_TIMEOUT_MS",
                 "how long to wait for the first broker answer", 100...600_000, \.kafka.connectTimeoutMilliseconds),
        .string("topics.events", "STREAMREC_TOPIC_EVENTS", "input topic of user-behaviour events", \.topics.events),
        .string("topics.dead_letter", "STREAMREC_TOPIC_DEAD_LETTER", "where undecodable events go", \.topics.deadLetter),
        .string("topics.recommendations", "STREAMREC_TOPIC_RECOMMENDATIONS", "output topic of recommendations",
                \.topics.recommendations),
        .string("topics.directory", "STREAMREC_TOPICS_DIR", "folder of topic definition files", \.topics.directory),
        .string("consumer.group_id", "STREAMREC_GROUP_ID", "consumer group of the engine", \.consumer.groupID),
        .choice("consumer.auto_offset_reset", "STREAMREC_AUTO_OFFSET_RESET",
                "start of a partition with no committed offset", ["earliest", "latest", "error"], \.consumer.autoOffsetReset),
        .string("state.directory", "STREAMREC_STATE_DIR", "where checkpoints are written", \.state.directory),
        .integer("http.port", "STREAMREC_HTTP_PORT", "port of the HTTP API and metrics", 0...65_535, \.http.port),
        .string("model.name", "STREAMREC_MODEL", "recommendation model used by the engine", \.model.name),
        .integer("model.top_n", "STREAMREC_TOP_N", "recommendations per user", 1...1_000, \.model.topN),
    ]

    /// Environment variables StreamRec reads that are not settings.
    public static let otherEnvironment: Set<String> = [
        "STREAMREC_CONFIG",  // path of the config file
        "STREAMREC_HOME",  // folder of the local broker's address file
    ]

    public static func named(_ path: String) -> ConfigurationKey? {
        all.first { $0.path == path }
    }

    // Key paths are not Sendable, so each binding captures one inside a closure.
    private static func string(
        _ path: String, _ env: String, _ summary: String,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, String> & Sendable
    ) -> ConfigurationKey {
        ConfigurationKey(path: path, environment: env, summary: summary,
                         kind: .string(get: { $0[keyPath: keyPath] }, set: { $0[keyPath: keyPath] = $1 }))
    }

    private static func choice(
        _ path: String, _ env: String, _ summary: String, _ values: [String],
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, String> & Sendable
    ) -> ConfigurationKey {
        ConfigurationKey(path: path, environment: env, summary: summary,
                         kind: .choice(values, get: { $0[keyPath: keyPath] }, set: { $0[keyPath: keyPath] = $1 }))
    }

    private static func integer(
        _ path: String, _ env: String, _ summary: String, _ range: ClosedRange<Int>,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, Int> & Sendable
    ) -> ConfigurationKey {
        ConfigurationKey(path: path, environment: env, summary: summary,
                         kind: .integer(range, get: { $0[keyPath: keyPath] }, set: { $0[keyPath: keyPath] = $1 }))
    }

    /// Sets this key from text, checking its type. `origin` names where the text came
    /// from, for the error message.
    func apply(_ text: String, to configuration: inout StreamRecConfiguration, origin: String) throws(ConfigurationError) {
        switch kind {
        case .string(_, let set):
            set(&configuration, text)
        case .choice(let values, _, let set):
            guard values.contains(text) else {
                throw ConfigurationError("\(origin): '\(path)' must be one of \(values.joined(separator: ", ")), got '\(text)'")
            }
            set(&configuration, text)
        case .integer(let range, _, let set):
            guard let value = Int(text.trimmingCharacters(in: " ")) else {
                throw ConfigurationError("\(origin): '\(path)' must be an integer, got '\(text)'")
            }
            guard range.contains(value) else {
                throw ConfigurationError("\(origin): '\(path)' must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
            set(&configuration, value)
        case .properties:
            for (key, value) in try Self.parseProperties(text, origin: origin) {
                configuration.kafka.properties[key] = value
            }
        }
    }

    /// The current value as text, for `streamrec config`.
    func value(in configuration: StreamRecConfiguration) -> String {
        switch kind {
        case .string(let get, _), .choice(_, let get, _): get(configuration)
        case .integer(_, let get, _): String(get(configuration))
        case .properties: configuration.kafka.properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// Parses `k=v,k=v` (as `-X` and `STREAMREC_KAFKA_PROPERTIES` take it).
    public static func parseProperties(_ text: String, origin: String) throws(ConfigurationError) -> [(String, String)] {
        var result: [(String, String)] = []
        for item in text.split(separator: ",") where !item.allSatisfy(\.isWhitespace) {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ConfigurationError("\(origin): expected key=value, got '\(item)'")
            }
            result.append((String(item[..<equals]).trimmingCharacters(in: " "), String(item[item.index(after: equals)...])))
        }
        return result
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
