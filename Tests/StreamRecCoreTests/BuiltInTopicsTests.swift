import Foundation
import StreamRecCore
import Testing

@Suite("Built-in topic definitions and schemas")
struct BuiltInTopicsTests {
    static let topicsFolder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("topics").path
    }()

    @Test("Every built-in text equals its file in topics/, and the folder has no other")
    func sameAsTheFolder() throws {
        let folder = Self.topicsFolder
        let yamlFiles = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(Set(yamlFiles) == Set(BuiltInTopics.definitionFiles.map(\.file)))
        for (file, yaml) in BuiltInTopics.definitionFiles {
            let onDisk = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(yaml + "\n" == onDisk, "\(file) differs from the built-in text")
        }
        let schemaFiles = try FileManager.default.contentsOfDirectory(atPath: folder + "/schemas")
        #expect(Set(schemaFiles) == Set(BuiltInTopics.schemaFiles.map(\.file)))
        for (file, json) in BuiltInTopics.schemaFiles {
            let onDisk = try String(contentsOfFile: folder + "/schemas/" + file, encoding: .utf8)
            #expect(json + "\n" == onDisk, "\(file) differs from the built-in text")
        }
    }

    @Test("The built-in definitions parse: events, dead letters, recommendations, state changelog, shared items")
    func parse() throws {
        let names = try BuiltInTopics.definitions().map(\.name)
        #expect(
            names == [
                "streamrec.events", "streamrec.events.dlq", "streamrec.recommendations", "streamrec.state.changelog",
                "streamrec.model.items",
            ])
    }
}
