import Foundation
import StreamRecKafka
import Testing

@Suite("Embedded cluster", .serialized, .timeLimit(.minutes(2)))
struct EmbeddedClusterTests {
    @Test("Metadata lists every broker and the partitions of created topics")
    func metadata() async throws {
        let topic = uniqueName("meta")
        try sharedCluster.createTopic(topic, partitions: 4, replicationFactor: 3)
        let admin = try KafkaAdmin(configuration: sharedCluster.clientConfiguration(), logger: quietLogger)
        let metadata = try await admin.metadata()
        #expect(metadata.brokers.map(\.id) == [1, 2, 3])
        let described = try #require(metadata.topic(named: topic))
        #expect(described.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(described.replicationFactor == 3)
    }

    @Test("A partition whose leader is down delivers once the broker is back, with nothing lost")
    func leaderDownAndUp() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 2, logger: quietLogger)
        let topic = uniqueName("fault")
        try cluster.createTopic(topic, partitions: 1)
        let leader = try await cluster.leader(topic: topic, partition: 0)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: quietLogger)
        _ = try await producer.sendAndAwaitDelivery(KafkaProducerMessage(topic: topic, key: "k", value: "before"))

        try cluster.setBrokerDown(leader)
        for index in 0..<50 { try await producer.send(KafkaProducerMessage(topic: topic, key: "k", value: "\(index)")) }
        try await Task.sleep(for: .seconds(2))
        #expect(producer.statistics.delivered == 1, "nothing can be acknowledged while the leader is down")
        try cluster.setBrokerUp(leader)
        try await producer.close()
        #expect(producer.statistics.delivered == 51)
        #expect(producer.statistics.failed == 0)
    }

    @Test("Fewer than one broker is a configuration error")
    func zeroBrokers() {
        #expect(throws: KafkaError.self) { _ = try EmbeddedKafkaCluster(brokers: 0) }
    }
}
