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
    ) throws(ConfigurationError) -> Loaded {
        var configuration = StreamRecConfiguration()
        var origins = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map { ($0.path, "default") })

        if let file {
            for (path, text) in try flatten(yaml: file.text, name: file.name) {
                let origin = "\(file.name): '\(path.key)'"
                if path.key == "kafka.properties" {
                    configuration.kafka.properties[path.property!] = text
                } else {
                    try ConfigurationKey.named(path.key)!.apply(text, to: &configuration, origin: origin)
                }
                origins[path.key] = "file \(file.name)"
            }
        }

        for name in environment.keys.sorted() where name.hasPrefix("STREAMREC_") {
            guard let key = ConfigurationKey.all.first(where: { $0.environment == name }) else {
                if ConfigurationKey.otherEnvironment.contains(name) { continue }
                throw ConfigurationError("unknown environment variable \(name); known: "
                    + (ConfigurationKey.all.map(\.environment) + ConfigurationKey.otherEnvironment.sorted()).joined(separator: ", "))
            }
            try key.apply(environment[name]!, to: &configuration, origin: "environment \(name)")
            origins[key.path] = "env \(name)"
        }

        for override in overrides {
            guard let key = ConfigurationKey.named(override.path) else {
                throw ConfigurationError("\(override.origin): unknown configuration key '\(override.path)'")
            }
            try key.apply(override.value, to: &configuration, origin: override.origin)
            origins[key.path] = override.origin
        }
        return Loaded(configuration: configuration, origins: origins)
    }

    struct FlatKey: Hashable {
        var key: String
        /// For `kafka.properties`, the librdkafka property name.
        var property: String?
    }

    /// Walks the YAML mapping into (known key, scalar text) pairs, rejecting any
    /// key that is not a setting and any value of the wrong shape.
    static func flatten(yaml: String, name: String) throws(ConfigurationError) -> [(FlatKey, String)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError("\(name): not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError("\(name): expected a mapping of sections (kafka:, topics:, …) at the top")
        }
        var result: [(FlatKey, String)] = []
        let sections = Set(ConfigurationKey.all.map { String($0.path.split(separator: ".")[0]) })
        for (sectionNode, body) in mapping {
            let section = sectionNode.string ?? ""
            guard sections.contains(section) else {
                throw ConfigurationError("\(name): unknown configuration key '\(section)'; sections are \(sections.sorted().joined(separator: ", "))")
            }
            guard case .mapping(let entries) = body else {
                if case .scalar(let scalar) = body, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { continue }
                throw ConfigurationError("\(name): '\(section)' must be a mapping")
            }
            for (keyNode, value) in entries {
                let path = "\(section).\(keyNode.string ?? "")"
                guard ConfigurationKey.named(path) != nil else {
                    let known = ConfigurationKey.all.filter { $0.path.hasPrefix(section + ".") }.map(\.path)
                    throw ConfigurationError("\(name): unknown configuration key '\(path)'; known in '\(section)': \(known.joined(separator: ", "))")
                }
                if path == "kafka.properties" {
                    result += try properties(value, name: name)
                } else {
                    guard case .scalar(let scalar) = value else {
                        throw ConfigurationError("\(name): '\(path)' must be a single value, not a list or mapping")
                    }
                    let text = scalar.string == "~" || scalar.string == "null" ? "" : scalar.string
                    result.append((FlatKey(key: path), text))
                }
            }
        }
        return result
    }

    private static func properties(_ node: Node, name: String) throws(ConfigurationError) -> [(FlatKey, String)] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return [] }
        guard case .mapping(let entries) = node else {
            throw ConfigurationError("\(name): 'kafka.properties' must be a mapping of librdkafka properties")
        }
        var result: [(FlatKey, String)] = []
        for (key, value) in entries {
            guard case .scalar(let scalar) = value, let property = key.string else {
                throw ConfigurationError("\(name): 'kafka.properties.\(key.string ?? "?")' must be a single value")
            }
            result.append((FlatKey(key: "kafka.properties", property: property), scalar.string))
        }
        return result
    }
}
