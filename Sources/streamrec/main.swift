import StreamRecCLI

await StreamRecCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
