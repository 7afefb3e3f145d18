import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Configuration and connection errors")
struct ConfigurationErrorTests {
    @Test("An unknown librdkafka property is rejected with its name")
    func unknownProperty() throws {
        let configuration = KafkaProducerConfiguration(
            client: KafkaClientConfiguration(
                bootstrapServers: "127.0.0.1:9092", properties: ["no.such.property": "1"]))
        let error = try #require(throws: KafkaError.self) { try configuration.validate() }
        #expect(error.code == .invalidProperty)
        #expect(error.message.contains("'no.such.property'"))
    }

    @Test("An invalid value for a known property is rejected with the property and the reason")
    func invalidValue() throws {
        var client = KafkaClientConfiguration(bootstrapServers: "127.0.0.1:9092")
        client.properties["security.protocol"] = "carrier-pigeon"
        let error = try #require(throws: KafkaError.self) {
            _ = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(client: client, groupID: "g"), logger: testLogger)
        }
        #expect(error.code == .invalidProperty)
        #expect(error.message.contains("security.protocol"))
        #expect(error.message.contains("carrier-pigeon"))
    }

    @Test("Pass-through SASL/SSL properties are accepted as librdkafka properties")
    func securityPassThrough() throws {
        let configuration = KafkaProducerConfiguration(
            client: KafkaClientConfiguration(
                bootstrapServers: "broker.example:9093",
                properties: [
                    "security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN", "sasl.username": "u",
                    "sasl.password": "p",
                ]))
        try configuration.validate()
    }

    @Test("An empty group id or bootstrap list fails before connecting")
    func missingEssentials() throws {
        let noGroup = KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: "127.0.0.1:9092"), groupID: "")
        #expect(throws: KafkaError.self) { try noGroup.validate() }
        let noServers = KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: ""))
        let error = try #require(throws: KafkaError.self) { try noServers.validate() }
        #expect(error.message.contains("bootstrap"))
    }

    @Test("An unreachable bootstrap server is reported within the timeout, naming the address", .timeLimit(.minutes(1)))
    func unreachableBroker() async throws {
        let admin = try KafkaAdmin(
            configuration: KafkaClientConfiguration(bootstrapServers: "127.0.0.1:1"), logger: testLogger)
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) { _ = try await admin.metadata(timeout: .seconds(2)) }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .brokerUnreachable)
        #expect(error?.message.contains("127.0.0.1:1") == true)
        // Generous: a loaded CI machine is slow to spawn and schedule; a hang would take far longer.
        #expect(elapsed < .seconds(30))
    }
}
