import StreamRecCore
import StreamRecKafka
import Testing

/// Produces `events` keyed by user, with their event time as the record
/// timestamp, and waits for delivery; records an issue if any failed.
/// - Parameter deliveryTimeoutMilliseconds: how long a record may wait for an
///   unreachable leader before it fails (librdkafka's `message.timeout.ms`; 0: for ever).
public func produce(
    _ events: [Event], to topic: String, cluster: EmbeddedKafkaCluster, deliveryTimeoutMilliseconds: Int = 30_000
) async throws {
    var configuration = cluster.producerConfiguration()
    configuration.messageTimeoutMilliseconds = deliveryTimeoutMilliseconds
    let producer = try KafkaProducer(configuration: configuration, logger: testLogger)
    let encoder = EventEncoder()
    for event in events {
        try await producer.send(
            KafkaProducerMessage(
                topic: topic, key: Array(event.userID.utf8), value: encoder.encode(event),
                timestampMilliseconds: event.timestampMilliseconds))
    }
    // Long enough for records held through an outage; a flush ends as soon as they are through.
    try await producer.close(timeout: .seconds(180))
    #expect(producer.statistics.failed == 0)
}
