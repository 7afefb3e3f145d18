import Yams

/// Builds a ``StreamRecConfiguration`` from its layers, lowest first: built-in
/// defaults, the config file, `STREAMREC_…` environment variables, then flags.
/// Pure: the caller reads the file and the environment.
public enum ConfigurationLoader {
    /// One flag-level setting: a key of ``ConfigurationKey/all`` and its text.
    public struct Override: Sendable {
        public var path: String
        public var value: String
        /// What set it, e.g. `--bootstrap-servers`, for messages and `streamrec config`.
        public var origin: String
        public init(path: String, value: String, origin: String) {
            self.path = path
            self.value = value
            self.origin = origin
        }
    }

    /// The result, and where each key's value came from.
    public struct Loaded: Sendable {
        public var configuration: StreamRecConfiguration
        /// Key path → `default`, `file NAME`, `env NAME` or the flag.
        public var origins: [String: String]
    }

    public static func load(
        file: (name: String, text: String)? = nil,
        environment: [String: String] = [:],
        overrides: [Override] = []
    ) throws(StreamRecError) -> Loaded {
        var configuration = StreamRecConfiguration()
        var origins = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map { ($0.path, "default") })

        if let file {
            for (path, setting) in try flatten(yaml: file.text, name: file.name) {
                let key = ConfigurationKey.named(path)!
                let origin = "\(file.name): '\(path)'"
                switch setting {
                // A value's message names its key itself; a mapping's entries need it here.
                case .value(let text): try key.apply(text, to: &configuration, origin: file.name)
                case .entries(let entries): try key.apply(entries: entries, to: &configuration, origin: origin)
                }
                origins[path] = "file \(file.name)"
            }
        }

        for name in environment.keys.sorted() where name.hasPrefix("STREAMREC_") {
            guard let key = ConfigurationKey.all.first(where: { $0.environment == name }) else {
                if ConfigurationKey.otherEnvironment.contains(name) { continue }
                throw StreamRecError.configuration(
                    "unknown environment variable \(name); known: "
                        + (ConfigurationKey.all.map(\.environment) + ConfigurationKey.otherEnvironment.sorted()).joined(
                            separator: ", "))
            }
            try key.apply(environment[name]!, to: &configuration, origin: "environment \(name)")
            origins[key.path] = "env \(name)"
        }

        for override in overrides {
            guard let key = ConfigurationKey.named(override.path) else {
                throw StreamRecError.configuration("\(override.origin): unknown configuration key '\(override.path)'")
            }
            try key.apply(override.value, to: &configuration, origin: override.origin)
            origins[key.path] = override.origin
        }
        let bounds = configuration.eventBounds
        guard bounds.ratingMin <= bounds.ratingMax else {
            throw StreamRecError.configuration(
                "events.rating_min (\(bounds.ratingMin)) must not exceed events.rating_max (\(bounds.ratingMax))")
        }
        guard bounds.minTimestamp <= bounds.maxTimestamp else {
            throw StreamRecError.configuration("events.min_timestamp must be before events.max_timestamp")
        }
        configuration.events.ratingRange = bounds.ratingMin...bounds.ratingMax
        configuration.events.timestampRange = bounds.minTimestamp...bounds.maxTimestamp
        try configuration.features.validate(eventTypes: Array(configuration.events.weights.keys))
        return Loaded(configuration: configuration, origins: origins)
    }

    /// What the file gives for one key.
    enum Setting {
        case value(String)
        case entries([(String, String)])
    }

    /// Walks the YAML mapping into (known key, scalar text) pairs, rejecting any
    /// key that is not a setting and any value of the wrong shape.
    static func flatten(yaml: String, name: String) throws(StreamRecError) -> [(String, Setting)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw StreamRecError.configuration("\(name): not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw StreamRecError.configuration(
                "\(name): expected a mapping of sections (kafka:, topics:, …) at the top")
        }
        var result: [(String, Setting)] = []
        let sections = Set(ConfigurationKey.all.map { String($0.path.split(separator: ".")[0]) })
        for (sectionNode, body) in mapping {
            let section = sectionNode.string ?? ""
            guard sections.contains(section) else {
                throw StreamRecError.configuration(
                    "\(name): unknown configuration key '\(section)'; sections are \(sections.sorted().joined(separator: ", "))"
                )
            }
            guard case .mapping(let entries) = body else {
                if case .scalar(let scalar) = body,
                    scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
                {
                    continue
                }
                throw StreamRecError.configuration("\(name): '\(section)' must be a mapping")
            }
            for (keyNode, value) in entries {
                let path = "\(section).\(keyNode.string ?? "")"
                guard let key = ConfigurationKey.named(path) else {
                    let known = ConfigurationKey.all.filter { $0.path.hasPrefix(section + ".") }.map(\.path)
                    throw StreamRecError.configuration(
                        "\(name): unknown configuration key '\(path)'; known in '\(section)': \(known.joined(separator: ", "))"
                    )
                }
                if key.isMap {
                    result.append((path, .entries(try mapEntries(value, path: path, name: name))))
                } else {
                    guard case .scalar(let scalar) = value else {
                        throw StreamRecError.configuration(
                            "\(name): '\(path)' must be a single value, not a list or mapping")
                    }
                    let text = scalar.string == "~" || scalar.string == "null" ? "" : scalar.string
                    result.append((path, .value(text)))
                }
            }
        }
        return result
    }

    private static func mapEntries(
        _ node: Node, path: String, name: String
    ) throws(StreamRecError) -> [(String, String)] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return []
        }
        guard case .mapping(let mapping) = node else {
            throw StreamRecError.configuration("\(name): '\(path)' must be a mapping")
        }
        var result: [(String, String)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = value, let entry = key.string else {
                throw StreamRecError.configuration("\(name): '\(path).\(key.string ?? "?")' must be a single value")
            }
            result.append((entry, scalar.string))
        }
        return result
    }
}
