import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Streaming engine through a broker outage", .serialized, .timeLimit(.minutes(4)), .temporaryDirectories)
struct EngineBrokerFaultTests {
    @Test("An output partition's broker is down longer than librdkafka's default delivery timeout: no update is lost")
    func longOutputOutage() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger)
        let configuration = engineConfiguration(prefix: "outage", model: "bpr")
        try createTopics(of: configuration, on: cluster)
        // Broker 3 leads only recommendations[0]: input, dead letters and the group stay up.
        for partition in Int32(0)..<6 {
            try cluster.setPartitionLeader(topic: configuration.topics.events, partition: partition, brokerID: 1)
        }
        for partition in Int32(0)..<3 {
            try cluster.setPartitionLeader(topic: configuration.topics.deadLetter, partition: partition, brokerID: 2)
        }
        for partition in Int32(0)..<6 {
            try cluster.setPartitionLeader(
                topic: configuration.topics.recommendations, partition: partition, brokerID: partition == 0 ? 3 : 2)
        }
        try cluster.setGroupCoordinator(configuration.consumer.groupID, brokerID: 1)
        let events = generatedEvents(count: 4_000, users: 200, items: 100, seed: 8)
        let half = events.count / 2

        let running = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory("outage"))
        try await produce(Array(events[..<half]), to: configuration.topics.events, cluster: cluster)
        #expect(await running.waitForRecords(half))

        try cluster.setBrokerDown(3)
        try await produce(Array(events[half...]), to: configuration.topics.events, cluster: cluster)
        #expect(await running.waitForRecords(events.count), "input goes on while one output partition is unreachable")
        // Past the 30 s after which librdkafka would drop an undelivered message by default.
        try await Task.sleep(for: .seconds(35))
        try cluster.setBrokerUp(3)
        try await running.stop()

        let published = running.engine.statistics.recommendationsPublished
        let updates = try await readAll(configuration.topics.recommendations, from: cluster) { $0.count >= published }
        #expect(updates.count == published, "updates held through the outage were delivered after it")
        #expect(updates.contains { $0.partition == 0 }, "some updates went to the partition that was down")
    }
}
