import ArgumentParser
import Foundation
import StreamRecCore

/// `streamrec config`: the effective configuration.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration and where each value came from.",
        discussion:
            "Secrets (passwords, tokens, JAAS configs) are masked. Fails with the key's name on an unknown key or a wrong type."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List every setting with its environment variable and meaning instead.")
    var keys = false

    func run() async throws {
        if keys {
            for key in ConfigurationKey.all {
                print("\(key.path)\t\(key.environment)\t\(key.summary)")
            }
            return
        }
        let context = try CommandContext(global, label: "config")
        print("# config file: \(context.configFile ?? "(none; built-in defaults)")")
        print(Self.render(context.configuration.describe(origins: context.loaded.origins)))
        print(Self.kafkaLine(context))
    }

    static func render(_ rows: [ConfigurationRow]) -> String {
        let width = rows.reduce(0) { max($0, $1.key.count) }
        return rows.map { row in
            let value = row.value.isEmpty ? "\"\"" : row.value
            return row.key.padding(toLength: width, withPad: " ", startingAt: 0) + " = " + value + "    # " + row.origin
        }.joined(separator: "\n")
    }

    static func kafkaLine(_ context: CommandContext) -> String {
        do {
            let bootstrap = try context.bootstrap()
            return "# kafka: \(bootstrap.servers) (from \(bootstrap.source))"
        } catch {
            return "# kafka: not configured and no local `streamrec broker` running"
        }
    }
}
