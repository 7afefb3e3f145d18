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
        case string(
            get: @Sendable (StreamRecConfiguration) -> String,
            set: @Sendable (inout StreamRecConfiguration, String) -> Void)
        case choice(
            [String], get: @Sendable (StreamRecConfiguration) -> String,
            set: @Sendable (inout StreamRecConfiguration, String) -> Void)
        case integer(
            ClosedRange<Int>, get: @Sendable (StreamRecConfiguration) -> Int,
            set: @Sendable (inout StreamRecConfiguration, Int) -> Void)
        case flag(
            get: @Sendable (StreamRecConfiguration) -> Bool, set: @Sendable (inout StreamRecConfiguration, Bool) -> Void
        )
        case number(
            ClosedRange<Double>, get: @Sendable (StreamRecConfiguration) -> Double,
            set: @Sendable (inout StreamRecConfiguration, Double) -> Void)
        /// An RFC 3339 time, held as epoch milliseconds.
        case timestamp(
            get: @Sendable (StreamRecConfiguration) -> Int64,
            set: @Sendable (inout StreamRecConfiguration, Int64) -> Void)
        /// A map of free-form keys (file: a mapping; env and flags: `k=v,k=v`).
        /// `set` receives all entries given in one place at once.
        case map(
            get: @Sendable (StreamRecConfiguration) -> [String: String],
            set: @Sendable (inout StreamRecConfiguration, [(String, String)], String) throws(StreamRecError) -> Void)
    }

    /// Every setting StreamRec knows. A key in a file or a `STREAMREC_` variable
    /// that is not here is an error.
    public static let all: [ConfigurationKey] = [
        .string(
            "kafka.bootstrap_servers", "STREAMREC_BOOTSTRAP_SERVERS",
            "Kafka brokers, host:port[,host:port…]; empty uses the local `streamrec broker`",
            \.kafka.bootstrapServers),
        .string("kafka.client_id", "STREAMREC_CLIENT_ID", "client.id sent to the brokers", \.kafka.clientID),
        ConfigurationKey(
            path: "kafka.properties", environment: "STREAMREC_KAFKA_PROPERTIES",
            summary: "librdkafka properties passed through, added to earlier layers (file: a map; env: k=v,k=v)",
            kind: .map(
                get: { $0.kafka.properties },
                set: { configuration, entries, _ in
                    for (key, value) in entries { configuration.kafka.properties[key] = value }
                })),
        .integer(
            "kafka.connect_timeout_ms", "STREAMREC_CONNECT_TIMEOUT_MS",
            "how long to wait for the first broker answer", 100...600_000, \.kafka.connectTimeoutMilliseconds),
        .integer(
            "kafka.max_record_bytes", "STREAMREC_MAX_RECORD_BYTES",
            "largest record the producers send (message.max.bytes); larger ones are refused", 1_000...100_000_000,
            \.kafka.maxRecordBytes),
        .string("topics.events", "STREAMREC_TOPIC_EVENTS", "input topic of user-behaviour events", \.topics.events),
        .string(
            "topics.dead_letter", "STREAMREC_TOPIC_DEAD_LETTER", "where undecodable events go", \.topics.deadLetter),
        .string(
            "topics.recommendations", "STREAMREC_TOPIC_RECOMMENDATIONS", "output topic of recommendations",
            \.topics.recommendations),
        .string(
            "topics.changelog", "STREAMREC_TOPIC_CHANGELOG", "per-user state changes, for handing partitions over",
            \.topics.changelog),
        .string(
            "topics.items", "STREAMREC_TOPIC_ITEMS", "the item side of events, shared between instances",
            \.topics.items),
        .string("topics.directory", "STREAMREC_TOPICS_DIR", "folder of topic definition files", \.topics.directory),
        .string("consumer.group_id", "STREAMREC_GROUP_ID", "consumer group of the engine", \.consumer.groupID),
        .choice(
            "consumer.auto_offset_reset", "STREAMREC_AUTO_OFFSET_RESET",
            "start of a partition with no committed offset", ["earliest", "latest", "error"], \.consumer.autoOffsetReset
        ),
        .integer(
            "consumer.session_timeout_ms", "STREAMREC_SESSION_TIMEOUT_MS",
            "how long the group waits for a silent member before moving its partitions", 1_000...3_600_000,
            \.consumer.sessionTimeoutMilliseconds),
        .string(
            "consumer.instance_id", "STREAMREC_INSTANCE_ID", "group.instance.id for static membership (empty: none)",
            \.consumer.instanceID),
        .string("state.directory", "STREAMREC_STATE_DIR", "where checkpoints are written", \.state.directory),
        .number(
            "state.user_retention_days", "STREAMREC_USER_RETENTION_DAYS",
            "erase users idle this many days of event time (0: keep every user)", 0...1e6,
            \.state.userRetentionDays),
        .integer(
            "state.retention_sweep_ms", "STREAMREC_RETENTION_SWEEP_MS",
            "how often at most to look for users past the retention", 1...Int(Int32.max),
            \.state.retentionSweepMilliseconds),
        .integer(
            "engine.refresh_window_ms", "STREAMREC_REFRESH_WINDOW_MS",
            "a user's events this soon after a refresh coalesce into one trailing refresh", 0...3_600_000,
            \.engine.refreshWindowMilliseconds),
        .flag(
            "engine.exclude_consumed", "STREAMREC_EXCLUDE_CONSUMED",
            "leave items the user consumed out of recommendations",
            \.engine.excludeConsumed),
        .string(
            "engine.http", "STREAMREC_HTTP",
            "HTTP API, metrics and dashboard of `streamrec run`: host:port, or off", \.http.engineAddress),
        .string(
            "serve.http", "STREAMREC_SERVE_HTTP", "where `streamrec serve` listens, host:port", \.http.serveAddress),
        .string("http.token", "STREAMREC_HTTP_TOKEN", "bearer token POST requests need (empty: none)", \.http.token),
        .string(
            "http.read_token", "STREAMREC_HTTP_READ_TOKEN", "bearer token reads need (empty: reads are open)",
            \.http.readToken),
        .integer(
            "http.max_body_bytes", "STREAMREC_HTTP_MAX_BODY_BYTES", "largest request body accepted (else 413)",
            1...(64 << 20), \.http.maxBodyBytes),
        .integer(
            "engine.checkpoint_interval_ms", "STREAMREC_CHECKPOINT_INTERVAL_MS", "longest time between checkpoints",
            100...86_400_000, \.engine.checkpointIntervalMilliseconds),
        .flag(
            "engine.changelog", "STREAMREC_CHANGELOG",
            "write user state changes to topics.changelog and restore taken-over partitions from it",
            \.engine.changelog),
        .choice(
            "engine.share_item_state", "STREAMREC_SHARE_ITEM_STATE",
            "share item state through topics.items: auto (while other instances own partitions), true, false",
            ["auto", "true", "false"], \.engine.shareItemState),
        .integer(
            "engine.checkpoint_events", "STREAMREC_CHECKPOINT_EVENTS", "most records between checkpoints",
            1...Int(Int32.max),
            \.engine.checkpointEvents),
        .integer(
            "engine.batch_size", "STREAMREC_BATCH_SIZE", "most records taken from Kafka per loop iteration",
            1...1_000_000,
            \.engine.batchSize),
        .integer(
            "engine.shutdown_timeout_ms", "STREAMREC_SHUTDOWN_TIMEOUT_MS", "longest a graceful shutdown may take",
            100...3_600_000, \.engine.shutdownTimeoutMilliseconds),
        .integer(
            "engine.periodic_refresh_ms", "STREAMREC_PERIODIC_REFRESH_MS",
            "how often drifted lists of recently active users are refreshed; 0: never", 0...86_400_000,
            \.engine.periodicRefreshMilliseconds),
        .integer(
            "engine.periodic_refresh_active_ms", "STREAMREC_PERIODIC_REFRESH_ACTIVE_MS",
            "how long after an event a user counts as recently active", 1...2_592_000_000,
            \.engine.periodicRefreshActiveMilliseconds),
        .integer(
            "engine.periodic_refresh_drift_events", "STREAMREC_PERIODIC_REFRESH_DRIFT_EVENTS",
            "events applied since a user's last update before the list counts as drifted", 1...Int(Int32.max),
            \.engine.periodicRefreshDriftEvents),
        .integer(
            "engine.periodic_refresh_max_users", "STREAMREC_PERIODIC_REFRESH_MAX_USERS",
            "most users refreshed per periodic round", 1...10_000_000, \.engine.periodicRefreshMaxUsers),
        .string("model.name", "STREAMREC_MODEL", "recommendation model used by the engine", \.model.name),
        .integer("model.top_n", "STREAMREC_TOP_N", "recommendations per user", 1...1_000, \.model.topN),
        .integer(
            "model.factors", "STREAMREC_FACTORS", "latent factors of isgd, raisgd and bpr", 1...1_024,
            \.model.settings.factors),
        .number(
            "model.learning_rate", "STREAMREC_LEARNING_RATE", "SGD step of isgd, raisgd and bpr", 1e-6...10,
            \.model.settings.learningRate),
        .number(
            "model.regularization", "STREAMREC_REGULARIZATION", "L2 regularization of isgd, raisgd and bpr", 0...10,
            \.model.settings.regularization),
        .number(
            "model.init_scale", "STREAMREC_INIT_SCALE", "standard deviation of initial factors", 0...10,
            \.model.settings.initScale),
        .integer(
            "model.negatives", "STREAMREC_NEGATIVES", "negative items per event (raisgd, bpr)", 0...1_000,
            \.model.settings.negatives),
        .choice(
            "model.negative_sampling", "STREAMREC_NEGATIVE_SAMPLING", "how bpr draws negatives",
            ["uniform", "popularity"],
            \.model.settings.negativeSamplingText),
        .integer("model.seed", "STREAMREC_SEED", "seed of every random draw", 0...Int.max, \.model.settings.seedValue),
        .integer(
            "model.rating_factors", "STREAMREC_RATING_FACTORS", "latent factors of biased-mf", 1...1_024,
            \.model.settings.ratingFactors),
        .number(
            "model.rating_learning_rate", "STREAMREC_RATING_LEARNING_RATE", "SGD step of biased-mf", 1e-6...10,
            \.model.settings.ratingLearningRate),
        .number(
            "model.rating_regularization", "STREAMREC_RATING_REGULARIZATION", "L2 regularization of biased-mf", 0...10,
            \.model.settings.ratingRegularization),
        .integer(
            "model.rating_epochs", "STREAMREC_RATING_EPOCHS", "passes of biased-mf when fitted in batch (k-fold)",
            1...1_000,
            \.model.settings.ratingEpochs),
        .string(
            "model.hybrid_base", "STREAMREC_HYBRID_BASE", "factor model the hybrid blends", \.model.settings.hybridBase),
        .number(
            "model.hybrid_model_weight", "STREAMREC_HYBRID_MODEL_WEIGHT", "hybrid weight of the factor model", 0...1e6,
            \.model.settings.hybridModelWeight),
        .number(
            "model.hybrid_cooccurrence_weight", "STREAMREC_HYBRID_COOCCURRENCE_WEIGHT",
            "hybrid weight of co-occurrence",
            0...1e6, \.model.settings.hybridCooccurrenceWeight),
        .number(
            "model.hybrid_popularity_weight", "STREAMREC_HYBRID_POPULARITY_WEIGHT", "hybrid weight of popularity",
            0...1e6,
            \.model.settings.hybridPopularityWeight),
        .number(
            "model.hybrid_recent_popularity_weight", "STREAMREC_HYBRID_RECENT_POPULARITY_WEIGHT",
            "hybrid weight of recent popularity", 0...1e6, \.model.settings.hybridRecentPopularityWeight),
        .number(
            "model.hybrid_transitions_weight", "STREAMREC_HYBRID_TRANSITIONS_WEIGHT",
            "hybrid weight of transitions", 0...1e6, \.model.settings.hybridTransitionsWeight),
        .number(
            "model.hybrid_category_weight", "STREAMREC_HYBRID_CATEGORY_WEIGHT",
            "hybrid weight of category popularity", 0...1e6, \.model.settings.hybridCategoryWeight),
        .integer(
            "model.hybrid_blend_interval", "STREAMREC_HYBRID_BLEND_INTERVAL",
            "the hybrid learns its weights from one event in this many (0: fixed weights)", 0...1_000_000_000,
            \.model.settings.hybridBlendInterval),
        .integer(
            "model.hybrid_blend_window", "STREAMREC_HYBRID_BLEND_WINDOW",
            "events the hybrid's weight learning counts evidence over before starting again", 1...1_000_000,
            \.model.settings.hybridBlendWindow),
        .integer(
            "model.cooccurrence_window", "STREAMREC_MODEL_COOCCURRENCE_WINDOW",
            "pairing window of the co-occurrence model",
            1...1_000, \.model.settings.cooccurrenceWindow),
        .integer(
            "model.cooccurrence_neighbours", "STREAMREC_MODEL_COOCCURRENCE_NEIGHBOURS",
            "neighbours per item of the co-occurrence model",
            1...10_000, \.model.settings.cooccurrenceNeighbours),
        .integer(
            "model.cooccurrence_recent_items", "STREAMREC_MODEL_COOCCURRENCE_RECENT_ITEMS",
            "recent items of the user whose neighbours the co-occurrence model sums",
            1...1_000, \.model.settings.cooccurrenceRecentItems),
        .number(
            "model.cooccurrence_pair_decay", "STREAMREC_MODEL_COOCCURRENCE_PAIR_DECAY",
            "weight of a pairing relative to the pairing with the next more recent item",
            0...1, \.model.settings.cooccurrencePairDecay),
        .number(
            "model.cooccurrence_damping", "STREAMREC_MODEL_COOCCURRENCE_DAMPING",
            "exponent of a candidate's occurrences dividing its co-occurrence (0.5: cosine)",
            0...1, \.model.settings.cooccurrenceDamping),
        .flag(
            "model.cooccurrence_type_weights", "STREAMREC_MODEL_COOCCURRENCE_TYPE_WEIGHTS",
            "pairings weigh as their event type (true/false)", \.model.settings.cooccurrenceTypeWeights),
        .number(
            "model.cooccurrence_position_decay", "STREAMREC_MODEL_COOCCURRENCE_POSITION_DECAY",
            "weight of a recent item in rankings relative to the next more recent one",
            0...1, \.model.settings.cooccurrencePositionDecay),
        .integer(
            "model.transition_successors", "STREAMREC_MODEL_TRANSITION_SUCCESSORS",
            "items kept per item as those that followed it (transitions)", 1...10_000,
            \.model.settings.transitionSuccessors),
        .integer(
            "model.transition_recent_items", "STREAMREC_MODEL_TRANSITION_RECENT_ITEMS",
            "the user's last items whose successors transitions sums", 1...1_000,
            \.model.settings.transitionRecentItems),
        .number(
            "model.recent_popularity_half_life_hours", "STREAMREC_RECENT_POPULARITY_HALF_LIFE_HOURS",
            "half-life of popularity-recent and the hybrid's recency signal", 0.001...1e7,
            \.model.settings.recentPopularityHalfLifeHours),
        ConfigurationKey(
            path: "events.types", environment: "STREAMREC_EVENT_TYPES",
            summary: "event types and their implicit weights; replaces the defaults (env: view=1,click=2,…)",
            kind: .map(get: { $0.events.weights.mapValues { JSONWriter.numberText($0) } }, set: EventSchema.setWeights)),
        .string(
            "events.rating_type", "STREAMREC_RATING_TYPE", "the event type whose value is a rating", \.events.ratingType
        ),
        .integer(
            "events.max_id_bytes", "STREAMREC_MAX_ID_BYTES", "longest user, item or event id (UTF-8 bytes)",
            1...65_536, \.events.maxIDBytes),
        .integer(
            "events.max_payload_bytes", "STREAMREC_MAX_PAYLOAD_BYTES", "largest accepted event record (bytes)",
            64...100_000_000, \.events.maxPayloadBytes),
        .number(
            "events.rating_min", "STREAMREC_RATING_MIN", "lowest valid rating", -1e9...1e9, \.eventBounds.ratingMin),
        .number(
            "events.rating_max", "STREAMREC_RATING_MAX", "highest valid rating", -1e9...1e9, \.eventBounds.ratingMax),
        .timestamp(
            "events.min_timestamp", "STREAMREC_MIN_TIMESTAMP", "earliest accepted event time (RFC 3339)",
            \.eventBounds.minTimestamp),
        .timestamp(
            "events.max_timestamp", "STREAMREC_MAX_TIMESTAMP", "latest accepted event time (RFC 3339)",
            \.eventBounds.maxTimestamp),
        .number(
            "features.user_half_life_hours", "STREAMREC_USER_HALF_LIFE_HOURS",
            "half-life of user weights and category affinities",
            0.001...1e7, \.features.userHalfLifeHours),
        .number(
            "features.popularity_half_life_hours", "STREAMREC_POPULARITY_HALF_LIFE_HOURS",
            "half-life of item popularity and co-occurrence", 0.001...1e7, \.features.popularityHalfLifeHours),
        .number(
            "features.trending_half_life_hours", "STREAMREC_TRENDING_HALF_LIFE_HOURS",
            "short half-life that trending compares with popularity", 0.001...1e7, \.features.trendingHalfLifeHours),
        .number(
            "features.cooccurrence_half_life_hours", "STREAMREC_COOCCURRENCE_HALF_LIFE_HOURS",
            "half-life of co-occurrence weights", 0.001...1e7, \.features.cooccurrenceHalfLifeHours),
        .integer(
            "features.recent_items", "STREAMREC_RECENT_ITEMS", "distinct recent items kept per user", 1...1_000,
            \.features.recentItems),
        .integer(
            "features.consumed_items", "STREAMREC_CONSUMED_ITEMS",
            "consumed items remembered per user for exclusion (0: all)",
            0...100_000, \.features.consumedItems),
        .string(
            "features.recommend_again", "STREAMREC_RECOMMEND_AGAIN",
            "event types whose items may come back once the user moved on (comma-separated, e.g. view,click)",
            \.features.recommendAgainText),
        .integer(
            "features.recommend_again_after", "STREAMREC_RECOMMEND_AGAIN_AFTER",
            "distinct items a user moves on by before such an item comes back", 0...1_000,
            \.features.recommendAgainAfter),
        .integer(
            "features.categories_per_user", "STREAMREC_CATEGORIES_PER_USER", "category affinities kept per user",
            1...1_000, \.features.categoriesPerUser),
        .flag(
            "features.cooccurrence", "STREAMREC_COOCCURRENCE", "count item co-occurrence (true/false)",
            \.features.cooccurrence),
        .integer(
            "features.cooccurrence_window", "STREAMREC_COOCCURRENCE_WINDOW", "recent items each interaction pairs with",
            1...1_000, \.features.cooccurrenceWindow),
        .integer(
            "features.neighbours", "STREAMREC_NEIGHBOURS", "neighbours served per item (top-K)", 1...10_000,
            \.features.neighbours),
        .integer(
            "features.neighbour_capacity", "STREAMREC_NEIGHBOUR_CAPACITY", "neighbour candidates kept per item",
            1...60_000, \.features.neighbourCapacity),
        .integer(
            "features.max_users", "STREAMREC_MAX_USERS",
            "users held in memory (the least recently active move to disk)",
            1...1_000_000_000, \.features.maxUsers),
        .number(
            "features.user_ttl_hours", "STREAMREC_USER_TTL_HOURS",
            "move users idle this long in event time to disk (0: never)",
            0...1e7, \.features.userTTLHours),
        .number(
            "features.lateness_minutes", "STREAMREC_LATENESS_MINUTES",
            "how late an event may be and still count as on time",
            0...1e9, \.features.latenessMinutes),
        .choice(
            "features.late_events", "STREAMREC_LATE_EVENTS", "what happens to later events", ["apply", "drop"],
            \.features.lateEventsText),
        .string(
            "features.numeric_attributes", "STREAMREC_NUMERIC_ATTRIBUTES",
            "numeric item attributes to standardize (comma-separated)",
            \.features.numericAttributesText),
    ]

    /// Environment variables StreamRec reads that are not settings.
    public static let otherEnvironment: Set<String> = [
        "STREAMREC_CONFIG",  // path of the config file
        "STREAMREC_HOME",  // folder of the local broker's address file
    ]

    public static func named(_ path: String) -> ConfigurationKey? {
        all.first { $0.path == path }
    }

    /// Reads and writes one property; key paths are not Sendable, so closures carry them.
    private static func accessors<Value>(
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, Value> & Sendable
    ) -> (
        get: @Sendable (StreamRecConfiguration) -> Value, set: @Sendable (inout StreamRecConfiguration, Value) -> Void
    ) {
        ({ $0[keyPath: keyPath] }, { $0[keyPath: keyPath] = $1 })
    }

    private static func string(
        _ path: String, _ env: String, _ summary: String,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, String> & Sendable
    ) -> ConfigurationKey {
        let (get, set) = accessors(keyPath)
        return ConfigurationKey(path: path, environment: env, summary: summary, kind: .string(get: get, set: set))
    }

    private static func choice(
        _ path: String, _ env: String, _ summary: String, _ values: [String],
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, String> & Sendable
    ) -> ConfigurationKey {
        let (get, set) = accessors(keyPath)
        return ConfigurationKey(
            path: path, environment: env, summary: summary, kind: .choice(values, get: get, set: set))
    }

    private static func integer(
        _ path: String, _ env: String, _ summary: String, _ range: ClosedRange<Int>,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, Int> & Sendable
    ) -> ConfigurationKey {
        let (get, set) = accessors(keyPath)
        return ConfigurationKey(
            path: path, environment: env, summary: summary, kind: .integer(range, get: get, set: set))
    }

    private static func number(
        _ path: String, _ env: String, _ summary: String, _ range: ClosedRange<Double>,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, Double> & Sendable
    ) -> ConfigurationKey {
        let (get, set) = accessors(keyPath)
        return ConfigurationKey(
            path: path, environment: env, summary: summary, kind: .number(range, get: get, set: set))
    }

    private static func flag(
        _ path: String, _ env: String, _ summary: String,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, Bool> & Sendable
    ) -> ConfigurationKey {
        let (get, set) = accessors(keyPath)
        return ConfigurationKey(path: path, environment: env, summary: summary, kind: .flag(get: get, set: set))
    }

    private static func timestamp(
        _ path: String, _ env: String, _ summary: String,
        _ keyPath: any WritableKeyPath<StreamRecConfiguration, Int64> & Sendable
    ) -> ConfigurationKey {
        let (get, set) = accessors(keyPath)
        return ConfigurationKey(path: path, environment: env, summary: summary, kind: .timestamp(get: get, set: set))
    }

    /// Whether the key holds a map rather than one value.
    var isMap: Bool {
        if case .map = kind { return true }
        return false
    }

    /// Sets a map key from entries given together (a file's mapping).
    func apply(
        entries: [(String, String)], to configuration: inout StreamRecConfiguration, origin: String
    ) throws(StreamRecError) {
        guard case .map(_, let set) = kind else { return }
        try set(&configuration, entries, origin)
    }

    /// Sets this key from text, checking its type. `origin` names where the text came
    /// from, for the error message.
    func apply(_ text: String, to configuration: inout StreamRecConfiguration, origin: String) throws(StreamRecError) {
        switch kind {
        case .string(_, let set):
            set(&configuration, text)
        case .choice(let values, _, let set):
            guard values.contains(text) else {
                throw StreamRecError.configuration(
                    "\(origin): '\(path)' must be one of \(values.joined(separator: ", ")), got '\(text)'")
            }
            set(&configuration, text)
        case .integer(let range, _, let set):
            guard let value = Int(text.trimmingCharacters(in: " ")) else {
                throw StreamRecError.configuration("\(origin): '\(path)' must be an integer, got '\(text)'")
            }
            guard range.contains(value) else {
                throw StreamRecError.configuration(
                    "\(origin): '\(path)' must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
            set(&configuration, value)
        case .flag(_, let set):
            switch text.trimmingCharacters(in: " ").lowercased() {
            case "true", "yes", "on", "1": set(&configuration, true)
            case "false", "no", "off", "0": set(&configuration, false)
            default: throw StreamRecError.configuration("\(origin): '\(path)' must be true or false, got '\(text)'")
            }
        case .number(let range, _, let set):
            guard let value = Double(text.trimmingCharacters(in: " ")), value.isFinite else {
                throw StreamRecError.configuration("\(origin): '\(path)' must be a number, got '\(text)'")
            }
            guard range.contains(value) else {
                throw StreamRecError.configuration(
                    "\(origin): '\(path)' must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
            set(&configuration, value)
        case .timestamp(_, let set):
            guard let value = RFC3339.milliseconds(text.trimmingCharacters(in: " ")) else {
                throw StreamRecError.configuration(
                    "\(origin): '\(path)' must be an RFC 3339 time such as 2000-01-01T00:00:00Z, got '\(text)'")
            }
            set(&configuration, value)
        case .map(_, let set):
            try set(&configuration, try Self.parseProperties(text, origin: origin), origin)
        }
    }

    /// The current value as text, for `streamrec config`.
    func value(in configuration: StreamRecConfiguration) -> String {
        switch kind {
        case .string(let get, _), .choice(_, let get, _): get(configuration)
        case .integer(_, let get, _): String(get(configuration))
        case .flag(let get, _): get(configuration) ? "true" : "false"
        case .number(_, let get, _): JSONWriter.numberText(get(configuration))
        case .timestamp(let get, _): RFC3339.format(get(configuration))
        case .map(let get, _):
            get(configuration).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// Parses `k=v,k=v` (as `-X` and `STREAMREC_KAFKA_PROPERTIES` take it).
    public static func parseProperties(_ text: String, origin: String) throws(StreamRecError) -> [(String, String)] {
        var result: [(String, String)] = []
        for item in text.split(separator: ",") where !item.allSatisfy(\.isWhitespace) {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw StreamRecError.configuration("\(origin): expected key=value, got '\(item)'")
            }
            result.append(
                (String(item[..<equals]).trimmingCharacters(in: " "), String(item[item.index(after: equals)...])))
        }
        return result
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
