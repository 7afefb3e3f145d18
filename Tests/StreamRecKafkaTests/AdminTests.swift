import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Admin against the embedded cluster", .serialized, .timeLimit(.minutes(1)))
struct AdminTests {
    @Test("ensureTopics leaves existing topics alone and reports their partition count")
    func existingTopicsAreKept() async throws {
        let name = uniqueName("exists")
        try sharedCluster.createTopic(name, partitions: 5)
        let admin = try KafkaAdmin(configuration: sharedCluster.clientConfiguration(), logger: testLogger)
        let wanted = KafkaNewTopic(
            name: name, partitions: 2, replicationFactor: 1, configs: ["cleanup.policy": "compact"])
        for _ in 0..<2 {
            let results = try await admin.ensureTopics([wanted], timeout: .seconds(5))
            #expect(results.count == 1)
            #expect(try results[0].result.get() == .alreadyExists(partitions: 5))
        }
    }

    @Test("Creating a topic where the cluster cannot (the mock has no controller) fails with a reason, not a hang")
    func creationFailureIsReported() async throws {
        let admin = try KafkaAdmin(configuration: sharedCluster.clientConfiguration(), logger: testLogger)
        let name = uniqueName("new")
        let results = try await admin.ensureTopics(
            [KafkaNewTopic(name: name, partitions: 1, replicationFactor: 1)], timeout: .seconds(2))
        let error = try #require(throws: KafkaError.self) { try results[0].result.get() }
        #expect(error.message.contains("controller") || error.message.contains(name))
    }
}
