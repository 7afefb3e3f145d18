import Yams

/// One topic as `topics/NAME.yaml` defines it.
///
/// ```yaml
/// name: streamrec.recommendations
/// partitions: 6
/// replication_factor: 1
/// configs:
///   cleanup.policy: compact
/// ```
public struct TopicDefinition: Sendable, Equatable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    /// Topic-level configs sent with creation.
    public var configs: [String: String]
    public var description: String?
    /// What the record key holds, e.g. `user_id`.
    public var key: String?
    /// Path of the value's JSON Schema, relative to the topics folder.
    public var valueSchema: String?

    public init(
        name: String, partitions: Int, replicationFactor: Int, configs: [String: String] = [:],
        description: String? = nil, key: String? = nil, valueSchema: String? = nil
    ) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
        self.description = description
        self.key = key
        self.valueSchema = valueSchema
    }

    static let required = ["name", "partitions", "replication_factor"]
    static let optional = ["configs", "description", "key", "value_schema"]

    /// Parses one definition. `file` names the source in every error.
    public static func parse(yaml: String, file: String) throws(StreamRecError) -> TopicDefinition {
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch {
            throw StreamRecError.configuration("\(file): not valid YAML: \(error)")
        }
        guard case .mapping(let mapping)? = node else {
            throw StreamRecError.configuration("\(file): expected a mapping with \(required.joined(separator: ", "))")
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard required.contains(name) || optional.contains(name) else {
                throw StreamRecError.configuration(
                    "\(file): unknown field '\(name)'; fields are \((required + optional).joined(separator: ", "))")
            }
            fields[name] = value
        }
        for name in required where fields[name] == nil {
            throw StreamRecError.configuration("\(file): missing field '\(name)'")
        }
        func text(_ field: String) throws(StreamRecError) -> String? {
            guard let node = fields[field] else { return nil }
            guard case .scalar(let scalar) = node else {
                throw StreamRecError.configuration("\(file): '\(field)' must be a single value")
            }
            return scalar.string
        }
        func positive(_ field: String) throws(StreamRecError) -> Int {
            let raw = try text(field) ?? ""
            guard let value = Int(raw), value >= 1 else {
                throw StreamRecError.configuration(
                    "\(file): '\(field)' must be a whole number of at least 1, got '\(raw)'")
            }
            return value
        }
        let topicName = try text("name") ?? ""
        try validateName(topicName, file: file)
        var configs: [String: String] = [:]
        if let node = fields["configs"] {
            guard case .mapping(let entries) = node else {
                throw StreamRecError.configuration("\(file): 'configs' must be a mapping")
            }
            for (key, value) in entries {
                guard case .scalar(let scalar) = value, let name = key.string else {
                    throw StreamRecError.configuration("\(file): 'configs.\(key.string ?? "?")' must be a single value")
                }
                configs[name] = scalar.string
            }
        }
        return TopicDefinition(
            name: topicName, partitions: try positive("partitions"),
            replicationFactor: try positive("replication_factor"),
            configs: configs, description: try text("description"), key: try text("key"),
            valueSchema: try text("value_schema"))
    }

    /// Kafka's rules for topic names: 1–249 characters of `[a-zA-Z0-9._-]`.
    static func validateName(_ name: String, file: String) throws(StreamRecError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard !name.isEmpty, name.utf8.count <= 249, allowed, name != ".", name != ".." else {
            throw StreamRecError.configuration(
                "\(file): 'name' must be 1–249 characters of letters, digits, '.', '_' or '-', got '\(name)'")
        }
    }
}
