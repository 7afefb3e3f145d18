import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Streaming engine: records gone from the broker", .serialized, .timeLimit(.minutes(3)), .temporaryDirectories)
struct EngineOffsetResetTests {
    @Test("A checkpointed offset the broker no longer holds is reported and counted, and the stream goes on")
    func offsetGoneIsReported() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        let configuration = engineConfiguration(prefix: "reset", model: "bpr")
        try cluster.createTopic(configuration.topics.events, partitions: 1)
        try cluster.createTopic(configuration.topics.deadLetter, partitions: 1)
        try cluster.createTopic(configuration.topics.recommendations, partitions: 1)
        try cluster.createTopic(configuration.topics.changelog, partitions: 1)
        let stateDirectory = temporaryDirectory("state")
        try await produce(
            generatedEvents(count: 100, users: 10, items: 20), to: configuration.topics.events, cluster: cluster)
        let first = try RunningEngine(cluster: cluster, configuration: configuration, stateDirectory: stateDirectory)
        #expect(await first.waitForRecords(100))
        try await first.stop()

        // More than the embedded broker keeps of a partition (about 5 MiB), in records
        // that do not compress: the checkpointed offset 100 is pushed out.
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
        var random = SystemRandomNumberGenerator()
        for _ in 0..<80 {
            let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) }
            try await producer.send(KafkaProducerMessage(topic: configuration.topics.events, key: nil, value: noise))
        }
        try await producer.close()

        let second = try RunningEngine(cluster: cluster, configuration: configuration, stateDirectory: stateDirectory)
        let clock = ContinuousClock()
        let end = clock.now + .seconds(60)
        while second.engine.statistics.offsetResets == 0, clock.now < end {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(second.engine.statistics.offsetResets >= 1, "the reset was counted")
        // What the broker still holds is consumed (and, being noise, dead-lettered).
        #expect(await second.waitForRecords(1, timeout: .seconds(30)))
        try await second.stop()
    }
}
