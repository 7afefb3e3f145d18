import ArgumentParser

/// `streamrec-bench`: micro-benchmarks of StreamRec's parts, and the load
/// generator of the engine benchmark. The Kafka subcommands print in the format
/// of `kafka-pipebench.c`, so that the scripts put both side by side in one run.
@main
struct StreamRecBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streamrec-bench",
        abstract: "Throughput of StreamRec's parts: the Kafka layer, decoding, the feature store and the models.",
        subcommands: [
            ProduceBenchmark.self, ConsumeBenchmark.self, DecodeBenchmark.self, FeatureBenchmark.self,
            ModelBenchmark.self, EngineLoadBenchmark.self, EngineWorkBenchmark.self, PublishedRecallBenchmark.self,
        ]
    )
}
