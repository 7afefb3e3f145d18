import Foundation
import StreamRecCore
import Testing

@Suite("Topic definitions")
struct TopicDefinitionTests {
    @Test("A full definition parses, configs as strings")
    func parses() throws {
        let definition = try TopicDefinition.parse(
            yaml: """
                name: streamrec.recommendations
                partitions: 6
                replication_factor: 3
                key: user_id
                configs:
                  cleanup.policy: compact
                  min.compaction.lag.ms: 60000
                """, file: "t.yaml")
        #expect(
            definition
                == TopicDefinition(
                    name: "streamrec.recommendations", partitions: 6, replicationFactor: 3,
                    configs: ["cleanup.policy": "compact", "min.compaction.lag.ms": "60000"],
                    key: "user_id"))
    }

    @Test(
        "Each missing required field is named, with the file", arguments: ["name", "partitions", "replication_factor"])
    func missingField(field: String) throws {
        let lines = ["name: t", "partitions: 1", "replication_factor: 1"].filter { !$0.hasPrefix(field + ":") }
        let error = try #require(throws: StreamRecError.self) {
            try TopicDefinition.parse(yaml: lines.joined(separator: "\n"), file: "topics/t.yaml")
        }
        #expect(error.message == "topics/t.yaml: missing field '\(field)'")
    }

    @Test(
        "Bad values and unknown fields are rejected with the reason",
        arguments: [
            (
                "name: t\npartitions: 0\nreplication_factor: 1",
                "'partitions' must be a whole number of at least 1, got '0'"
            ),
            (
                "name: t\npartitions: six\nreplication_factor: 1",
                "'partitions' must be a whole number of at least 1, got 'six'"
            ),
            ("name: bad name!\npartitions: 1\nreplication_factor: 1", "'name' must be 1–249 characters"),
            ("name: t\npartitions: 1\nreplication_factor: 1\nretention: 5", "unknown field 'retention'"),
            ("name: t\npartitions: 1\nreplication_factor: 1\nconfigs: [a]", "'configs' must be a mapping"),
        ])
    func badValues(yaml: String, expected: String) throws {
        let error = try #require(throws: StreamRecError.self) { try TopicDefinition.parse(yaml: yaml, file: "f.yaml") }
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test("The shipped topics/ define the three topics, recommendations compacted")
    func shippedTopics() throws {
        let folder = packageRoot + "/topics"
        let definitions = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
            .map {
                try TopicDefinition.parse(yaml: String(contentsOfFile: folder + "/" + $0, encoding: .utf8), file: $0)
            }
        let byName = Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0) })
        #expect(
            Set(byName.keys).isSuperset(of: ["streamrec.events", "streamrec.events.dlq", "streamrec.recommendations"]))
        #expect(byName["streamrec.recommendations"]?.configs["cleanup.policy"] == "compact")
        #expect(byName["streamrec.events"]?.key == "user_id")
    }
}
