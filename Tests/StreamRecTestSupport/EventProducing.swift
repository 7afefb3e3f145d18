import StreamRecCore
import StreamRecKafka
import Testing

/// Produces `events` keyed by user, with their event time as the record
/// timestamp, and waits for delivery; records an issue if any failed.
public func produce(_ events: [Event], to topic: String, cluster: EmbeddedKafkaCluster) async throws {
    let producer = try KafkaProducer(configuration: cluster.producerConfiguration(), logger: testLogger)
    let encoder = EventEncoder()
    for event in events {
        try await producer.send(
            KafkaProducerMessage(
                topic: topic, key: Array(event.userID.utf8), value: encoder.encode(event),
                timestampMilliseconds: event.timestampMilliseconds))
    }
    try await producer.close()
    #expect(producer.statistics.failed == 0)
}
