import Foundation
import Logging
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// One embedded cluster for the whole Kafka test target; tests keep apart by
/// using their own topic and group names.
let sharedCluster: EmbeddedKafkaCluster = {
    do { return try EmbeddedKafkaCluster(brokers: 3, logger: testLogger) } catch {
        fatalError("embedded cluster did not start: \(error)")
    }
}()

func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// Polls `consumer` (off the cooperative pool) until `done` says so or `deadline` passes.
func pollUntil(
    _ consumer: KafkaConsumer,
    deadline: Duration = .seconds(60),
    _ handle: ([KafkaConsumerMessage]) -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + deadline
    while clock.now < end {
        let batch = try await consumer.nextBatch(maxMessages: 10_000, timeout: .milliseconds(100))
        if handle(batch) { return true }
    }
    return false
}

/// Collects consumer events into an array that tests can read while polling.
final class EventLog: Sendable {
    private let events = LockedBox<[KafkaConsumerEvent]>([])

    init(_ consumer: KafkaConsumer) {
        let events = self.events
        Task { for await event in consumer.events { events.withLock { $0.append(event) } } }
    }

    var assigned: [[KafkaTopicPartition]] {
        events.withLock { $0.compactMap { if case .assigned(let p) = $0 { p } else { nil } } }
    }

    var revoked: [[KafkaTopicPartition]] {
        events.withLock { $0.compactMap { if case .revoked(let p) = $0 { p } else { nil } } }
    }
}
