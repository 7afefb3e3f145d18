import ArgumentParser
import Foundation
import Logging
import StreamRecCore
import StreamRecEngine
import StreamRecHTTP
import StreamRecKafka

/// The `streamrec` command line.
package struct StreamRecCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "streamrec",
        abstract: "Real-time recommendations from a Kafka stream of user events.",
        discussion: """
            Every command takes -c/--config and --log-level; those that talk to Kafka also take \
            -b/--bootstrap-servers and -X key=value (any librdkafka property). They may come before \
            or after the command's name. Settings layer as: config file < STREAMREC_* environment < \
            flags. Without bootstrap servers, commands use the embedded broker started by \
            `streamrec broker`.

            Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.
            """,
        version: StreamRecVersion.current,
        subcommands: [
            DemoCommand.self, BrokerCommand.self, TopicsCommand.self, RunCommand.self, WatchCommand.self,
            ReplayCommand.self, ProduceCommand.self, ForgetCommand.self, ServeCommand.self, InspectCommand.self,
            EvaluateCommand.self,
            ConfigCommand.self,
        ]
    )

    package init() {}

    /// Parses `arguments`, runs the command and exits with StreamRec's status codes.
    package static func main(arguments: [String]) async -> Never {
        let level = (try? GlobalOptionsProbe.parse(arguments)) ?? .warning
        let format =
            GlobalOptionsProbe.value(of: "--log-format", in: arguments).flatMap(LogOutputFormat.init(rawValue:))
            ?? ProcessInfo.processInfo.environment["STREAMREC_LOG_FORMAT"].flatMap(LogOutputFormat.init(rawValue:))
            ?? .text
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                return JSONLogHandler(label: label, logLevel: level)
            }
        }
        MetricsSetup.bootstrap()
        do {
            var command = try parseAsRoot(GlobalOptions.movedAfterSubcommand(arguments))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            Foundation.exit(report(error))
        }
    }

    /// Prints `error` for a person and returns the exit status it deserves.
    static func report(_ error: any Error) -> Int32 {
        if let (message, status) = ownError(error) {
            printError("error: \(message)")
            return status
        }
        if let exit = error as? ExitCode { return exit.rawValue }
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            print(message)
            return 0
        }
        if !message.isEmpty { printError(message) }
        // ArgumentParser's usage failures (EX_USAGE) become our documented 2.
        return code == .validationFailure ? 2 : code.rawValue == 1 ? 1 : 2
    }

    /// StreamRec's own errors: usage and configuration mistakes exit 2, runtime failures 1.
    private static func ownError(_ error: any Error) -> (String, Int32)? {
        switch error {
        case let error as CommandError: (error.description, error.exitStatus)
        case let error as StreamRecError: (error.message, 2)
        case let error as KafkaError:
            (error.description, [.invalidProperty, .invalidConfiguration].contains(error.code) ? 2 : 1)
        case let error as EngineError: (error.message, error.code == .stateDirectoryInUse ? 2 : 1)
        case let error as APIAddressError: (error.description, 2)
        default: nil
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Finds `--log-level` and `--log-format` before the real parse, so that logging
/// is set up first.
enum GlobalOptionsProbe {
    static func parse(_ arguments: [String]) throws -> Logger.Level? {
        value(of: "--log-level", in: arguments).flatMap(Logger.Level.init(rawValue:))
    }

    /// The value given to `option`, as `option value` or `option=value`.
    static func value(of option: String, in arguments: [String]) -> String? {
        if let index = arguments.firstIndex(of: option), index + 1 < arguments.count { return arguments[index + 1] }
        return arguments.first { $0.hasPrefix(option + "=") }.map { String($0.dropFirst(option.count + 1)) }
    }
}
