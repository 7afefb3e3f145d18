import Foundation
import StreamRecCore
import StreamRecKafka

/// The topic definitions in a folder: every `*.yaml` / `*.yml` file, one topic each.
enum TopicDirectory {
    /// The definitions to use: the folder given with `--topics-dir` (which must
    /// exist); else the configured `topics.directory` when it exists (`topics`,
    /// relative to the working directory, by default); else the built-in ones.
    static func resolve(option: String?, configured: String) throws -> [TopicDefinition] {
        if let option { return try load(option) }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: configured, isDirectory: &isFolder), isFolder.boolValue {
            return try load(configured)
        }
        return try BuiltInTopics.definitions()
    }

    static func load(_ directory: String) throws -> [TopicDefinition] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandError.usage(
                "topic folder '\(directory)' does not exist; pass --topics-dir or set topics.directory")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        guard !files.isEmpty else { throw CommandError.usage("no topic definitions (*.yaml) in '\(directory)'") }
        var seen: [String: String] = [:]
        return try files.map { file in
            let path = (directory as NSString).appendingPathComponent(file)
            let definition = try TopicDefinition.parse(yaml: String(contentsOfFile: path, encoding: .utf8), file: path)
            if let other = seen[definition.name] {
                throw CommandError.usage("topic '\(definition.name)' is defined twice: \(other) and \(path)")
            }
            seen[definition.name] = path
            return definition
        }
    }
}

extension TopicDefinition {
    /// The definition as a creation request; non-nil arguments replace the file's
    /// partition count or replication factor.
    func newTopic(partitions override: Int? = nil, replicationFactor replication: Int? = nil) -> KafkaNewTopic {
        KafkaNewTopic(
            name: name, partitions: Int32(override ?? partitions),
            replicationFactor: Int32(replication ?? replicationFactor), configs: configs)
    }
}
