import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Embedded cluster", .serialized, .timeLimit(.minutes(2)))
struct EmbeddedClusterTests {
    @Test("Metadata lists every broker and the partitions of created topics")
    func metadata() async throws {
        let topic = uniqueName("meta")
        try sharedCluster.createTopic(topic, partitions: 4, replicationFactor: 3)
        let admin = try KafkaAdmin(configuration: sharedCluster.clientConfiguration(), logger: testLogger)
        let metadata = try await admin.metadata()
        #expect(metadata.brokers.map(\.id) == [1, 2, 3])
        let described = try #require(metadata.topic(named: topic))
        #expect(described.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(described.replicationFactor == 3)
    }

    @Test("A partition whose leader is down delivers once the broker is back, with nothing lost")
    func leaderDownAndUp() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 2, logger: testLogger)
        let topic = uniqueName("fault")
        try cluster.createTopic(topic, partitions: 1)
        let leader = try await cluster.leader(topic: topic, partition: 0)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
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

@Suite("Embedded cluster fault injection", .serialized, .timeLimit(.minutes(1)))
struct EmbeddedFaultInjectionTests {
    @Test("A round-trip delay on the leader slows acknowledgements by at least that much")
    func roundTripTime() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        try cluster.createTopic("rtt", partitions: 1)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
        _ = try await producer.sendAndAwaitDelivery(KafkaProducerMessage(topic: "rtt", key: "k", value: "warm"))
        try cluster.setRoundTripTime(broker: 1, milliseconds: 300)
        let started = ContinuousClock.now
        _ = try await producer.sendAndAwaitDelivery(KafkaProducerMessage(topic: "rtt", key: "k", value: "slow"))
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        try cluster.setRoundTripTime(broker: 1, milliseconds: 0)
        try await producer.close()
    }

    @Test("Moving a partition's leader shows in metadata, and produce follows it")
    func leaderMove() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger)
        try cluster.createTopic("moved", partitions: 1)
        let before = try await cluster.leader(topic: "moved", partition: 0)
        let target: Int32 = before == 1 ? 2 : 1
        try cluster.setPartitionLeader(topic: "moved", partition: 0, brokerID: target)
        #expect(try await cluster.leader(topic: "moved", partition: 0) == target)
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
        let report = try await producer.sendAndAwaitDelivery(KafkaProducerMessage(topic: "moved", key: "k", value: "v"))
        #expect(report.offset == 0)
        try await producer.close()
    }

    @Test("Unknown brokers are refused with a reason")
    func unknownBroker() throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        let error = try #require(throws: KafkaError.self) { try cluster.setBrokerDown(9) }
        #expect(error.code == .embeddedCluster)
    }
}
