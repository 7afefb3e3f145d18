import Testing

@testable import StreamRecKafka

@Suite("librdkafka property precedence")
struct PropertyPrecedenceTests {
    @Test("A property the user passes (-X) is applied after the typed setting it overrides")
    func userPropertiesComeLast() throws {
        var configuration = KafkaProducerConfiguration(
            client: KafkaClientConfiguration(
                bootstrapServers: "127.0.0.1:9092",
                properties: ["message.timeout.ms": "5000", "linger.ms": "50", "reconnect.backoff.max.ms": "10000"]))
        configuration.messageTimeoutMilliseconds = 0
        let properties = try configuration.librdkafkaProperties()
        // librdkafka applies them in order: the last value set is the one used.
        #expect(properties.last { $0.0 == "message.timeout.ms" }?.1 == "5000")
        #expect(properties.last { $0.0 == "linger.ms" }?.1 == "50")
        #expect(properties.contains { $0 == ("message.timeout.ms", "0") })
        #expect(properties.contains { $0 == ("reconnect.backoff.max.ms", "1000") }, "StreamRec's default")
        #expect(properties.last { $0.0 == "reconnect.backoff.max.ms" }?.1 == "10000")
    }
}
