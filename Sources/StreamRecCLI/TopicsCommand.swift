import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// `streamrec topics`: create and list topics.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create StreamRec's topics on a cluster, or list what exists.",
        subcommands: [Apply.self, List.self, Schema.self]
    )

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the JSON schema of a topic's values: event (Event v1) or recommendation (Recommendation v1).")

        enum Name: String, ExpressibleByArgument, CaseIterable {
            case event, recommendation
        }

        @Argument(help: "event or recommendation.")
        var name: Name

        func run() throws {
            let file = "\(name.rawValue)-v1.schema.json"
            guard let schema = BuiltInTopics.schemaFiles.first(where: { $0.file == file }) else {
                throw CommandError.failed("no built-in schema \(file)")
            }
            print(schema.json)
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the topics defined in the topics folder; existing ones are left unchanged.",
            discussion: """
                Idempotent: a topic that exists is reported with its partition count and not \
                altered, even if its definition changed (Kafka cannot shrink partitions). Exits 1 if \
                any topic could not be created.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(
            name: .customLong("topics-dir"),
            help: "Folder of topic definitions (default: topics.directory if it exists, else the built-in ones).")
        var topicsDirectory: String?

        @Option(
            name: .customLong("replication-factor"),
            help: "Replication factor for every created topic, instead of each file's.")
        var replicationFactor: Int?

        func run() async throws {
            let context = try CommandContext(global, label: "topics")
            let definitions = try TopicDirectory.resolve(
                option: topicsDirectory, configured: context.configuration.topics.directory)
            let (admin, _) = try await context.connectedAdmin()
            let results = try await admin.ensureTopics(
                definitions.map { $0.newTopic(replicationFactor: replicationFactor) },
                timeout: .milliseconds(max(context.configuration.kafka.connectTimeoutMilliseconds, 5_000)))
            var failures = 0
            for (definition, (_, result)) in zip(definitions, results) {
                switch result {
                case .success(.created):
                    print("\(definition.name)\tcreated\tpartitions=\(definition.partitions)")
                case .success(.alreadyExists(let partitions)):
                    let note =
                        partitions.map {
                            $0 == definition.partitions ? "" : " (definition says \(definition.partitions))"
                        } ?? ""
                    print("\(definition.name)\texists\tpartitions=\(partitions.map(String.init) ?? "?")\(note)")
                case .failure(let error):
                    failures += 1
                    var message = "\(definition.name)\tFAILED\t\(error.description)"
                    if error.message.contains("controller"), try context.bootstrap().embedded {
                        message +=
                            "\n  the embedded broker cannot create topics over the protocol; restart `streamrec broker`, which creates every topic of the topics folder"
                    }
                    printError(message)
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cluster's topics with partitions and replication.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Include internal topics (names starting with __).")
        var all = false

        @Flag(help: "One JSON object per topic.")
        var json = false

        func run() async throws {
            let context = try CommandContext(global, label: "topics")
            let (_, metadata) = try await context.connectedAdmin()
            let topics = metadata.topics.filter { all || !$0.name.hasPrefix("__") }
            if json {
                for topic in topics {
                    let leaders = topic.partitions.map { String($0.leader) }.joined(separator: ",")
                    print(
                        #"{"topic":"\#(topic.name)","partitions":\#(topic.partitions.count),"replication_factor":\#(topic.replicationFactor),"leaders":[\#(leaders)]}"#
                    )
                }
                return
            }
            let width = max(5, topics.map(\.name.count).max() ?? 0)
            print("TOPIC".padding(toLength: width, withPad: " ", startingAt: 0) + "  PARTITIONS  REPLICATION")
            for topic in topics {
                let error = topic.error.map { "  (\($0))" } ?? ""
                print(
                    topic.name.padding(toLength: width, withPad: " ", startingAt: 0)
                        + "  " + String(topic.partitions.count).padding(toLength: 10, withPad: " ", startingAt: 0)
                        + "  " + String(topic.replicationFactor) + error)
            }
        }
    }
}
