import Foundation
import StreamRecCore
import StreamRecKafka
import StreamRecTestSupport
import Testing

@testable import StreamRecEngine

@Suite("Background checkpoint writes", .temporaryDirectories)
struct CheckpointWriterTests {
    @Test("A background write holds the state as handed over, while the loop's copy moves on")
    func writesTheHandedOverState() throws {
        let configuration = engineConfiguration(prefix: "ckw", model: "hybrid")
        var state = try EngineState(configuration: configuration)
        let events = generatedEvents(count: 4_000, users: 50, items: 200)
        state.apply(Array(events.prefix(2_000)))
        state.offsets = [0: 2_000]
        let handedOver = state.checkpoint(topic: "ckw.events", modelName: "hybrid", writtenAt: 1, storeGeneration: 3)

        let store = CheckpointStore(directory: temporaryDirectory("ckw"))
        let writer = CheckpointWriter(store: store)
        writer.start(state, job(model: "hybrid", generation: 3))
        // Mutating every array the writer reads: copy-on-write must keep its copy intact.
        state.apply(Array(events.suffix(2_000)))
        state.offsets = [0: 4_000]

        let outcome = try #require(writer.waitForCompletion())
        #expect(outcome.error == nil)
        #expect(outcome.offsets == [0: 2_000])
        #expect(outcome.eventsApplied == 2_000)
        #expect(outcome.job.storeGeneration == 3)
        #expect(outcome.bytes > 0)
        #expect(try store.load() == handedOver)
        #expect(!writer.isBusy)
        #expect(writer.takeFinished() == nil, "an outcome is taken once")
    }

    @Test(
        "The feature store is written once: in the model's snapshot when the model keeps it, as the engine's own otherwise",
        arguments: ["hybrid", "cooccurrence", "bpr"])
    func featureStoreWrittenOnce(model: String) throws {
        let configuration = engineConfiguration(prefix: "ckw", model: model)
        var state = try EngineState(configuration: configuration)
        state.apply(generatedEvents(count: 2_000, users: 50, items: 200))
        let checkpoint = try EngineCheckpoint(
            decoding: state.checkpoint(topic: "ckw.events", modelName: model, writtenAt: 1, storeGeneration: 1)
                .encoded())
        #expect(checkpoint.features.isEmpty == (model != "bpr"))
        let store = try checkpoint.featureStore(
            schema: configuration.events, features: configuration.features,
            settings: configuration.model.settings)
        #expect(store == state.features)
        DirectCounts(generatedEvents(count: 2_000, users: 50, items: 200)).expectEqual(to: store)
        let restored = try EngineState(checkpoint: checkpoint, configuration: configuration)
        #expect(restored.features == state.features)
    }

    private func job(model: String, generation: UInt64) -> CheckpointWriter.Job {
        .init(topic: "ckw.events", modelName: model, writtenAt: 1, storeGeneration: generation, reason: "test")
    }

    @Test("A write that cannot reach the disk reports an error naming the path")
    func reportsFailure() throws {
        let file = temporaryDirectory("ckw-file")
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: file))
        let writer = CheckpointWriter(store: CheckpointStore(directory: file + "/state"))
        let state = try EngineState(configuration: engineConfiguration(prefix: "ckw", model: "popularity"))
        writer.start(state, job(model: "popularity", generation: 1))
        let outcome = try #require(writer.waitForCompletion())
        let error = try #require(outcome.error)
        #expect(error.message.contains(file))
    }
}

@Suite("The engine's producer", .temporaryDirectories)
struct OutputProducerTests {
    @Test("No delivery timeout by default, room for any consumed record; the user's own settings win")
    func defaults() {
        let base = KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: "localhost:9092"))
        let output = StreamingEngine.outputProducer(base)
        #expect(output.messageTimeoutMilliseconds == 0, "an update must never be dropped for taking too long")
        #expect(output.maxRecordBytes == 100_000_000)

        var custom = base
        custom.client.properties["message.max.bytes"] = "2000000"
        custom.client.properties["message.timeout.ms"] = "5000"
        let overridden = StreamingEngine.outputProducer(custom)
        #expect(overridden.client.properties["message.max.bytes"] == "2000000", "passed after the typed default")
        #expect(
            overridden.client.properties["message.timeout.ms"] == "5000", "passed to librdkafka after the typed default"
        )
    }
}
