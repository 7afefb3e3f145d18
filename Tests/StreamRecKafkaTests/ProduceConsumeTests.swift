import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Producer and consumer against the embedded cluster", .serialized, .timeLimit(.minutes(3)))
struct ProduceConsumeTests {
    @Test("100,000 keyed records arrive exactly once, in order per key, each key on one partition")
    func hundredThousandKeyedRecords() async throws {
        let topic = uniqueName("keyed")
        try sharedCluster.createTopic(topic, partitions: 6)
        let total = 100_000
        let keys = 1_000
        let producer = try KafkaProducer(configuration: sharedCluster.producerConfiguration(), logger: testLogger)
        for index in 0..<total {
            let key = "user-\(index % keys)"
            let sequence = index / keys
            try await producer.send(KafkaProducerMessage(topic: topic, key: key, value: "\(key)|\(sequence)"))
        }
        try await producer.close()
        #expect(producer.statistics.delivered == total)
        #expect(producer.statistics.failed == 0)

        let consumer = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: uniqueName("g")), logger: testLogger)
        try consumer.subscribe(topics: [topic])
        var lastSequence: [String: Int] = [:]
        var partitionOfKey: [String: Int32] = [:]
        var received = 0
        var outOfOrder = 0
        var keyOnTwoPartitions = 0
        let complete = try await pollUntil(consumer) { batch in
            for message in batch {
                received += 1
                let parts = message.valueString!.split(separator: "|")
                let key = String(parts[0])
                let sequence = Int(parts[1])!
                #expect(message.keyString == key)
                if let last = lastSequence[key], last + 1 != sequence { outOfOrder += 1 }
                lastSequence[key] = sequence
                if let partition = partitionOfKey[key], partition != message.partition { keyOnTwoPartitions += 1 }
                partitionOfKey[key] = message.partition
            }
            return received >= total
        }
        // Anything beyond the expected count would be a duplicate: wait briefly for one.
        let extra = try await consumer.nextBatch(maxMessages: 100, timeout: .milliseconds(500))
        try await consumer.close()

        #expect(complete)
        #expect(received == total)
        #expect(extra.isEmpty)
        #expect(outOfOrder == 0)
        #expect(keyOnTwoPartitions == 0)
        #expect(lastSequence.count == keys)
        #expect(lastSequence.values.allSatisfy { $0 == total / keys - 1 })
    }

    @Test("Headers, timestamps, null values and empty keys survive the round trip")
    func recordFieldsRoundTrip() async throws {
        let topic = uniqueName("fields")
        try sharedCluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: sharedCluster.producerConfiguration(), logger: testLogger)
        let headers = [
            KafkaHeader(key: "error", value: "missing field user_id"),
            KafkaHeader(key: "null-header", value: nil),
            KafkaHeader(key: "error", value: "repeated keys keep their order"),
        ]
        let first = try await producer.sendAndAwaitDelivery(
            KafkaProducerMessage(
                topic: topic, key: Array("k1".utf8), value: [0, 255, 10], headers: headers,
                timestampMilliseconds: 1_600_000_000_123
            ))
        try await producer.sendAndAwaitDelivery(KafkaProducerMessage(topic: topic, key: [], value: nil))
        try await producer.close()
        #expect(first.offset == 0)
        #expect(first.error == nil)

        let consumer = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: uniqueName("g")), logger: testLogger)
        try consumer.subscribe(topics: [topic])
        var messages: [KafkaConsumerMessage] = []
        _ = try await pollUntil(consumer) { batch in
            messages += batch
            return messages.count >= 2
        }
        try await consumer.close()
        try #require(messages.count == 2)
        #expect(messages[0].key.map(Array.init) == Array("k1".utf8))
        #expect(messages[0].value.map(Array.init) == [0, 255, 10])
        #expect(messages[0].headers == headers)
        #expect(messages[0].timestampMilliseconds == 1_600_000_000_123)
        #expect(messages[1].key.map(Array.init) == [])
        #expect(messages[1].value == nil)
    }

    @Test("Produce requests that fail with retriable errors are retried without duplicates")
    func retriableProduceErrors() async throws {
        let topic = uniqueName("retry")
        try sharedCluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: sharedCluster.producerConfiguration(), logger: testLogger)
        _ = try await producer.metadata()
        sharedCluster.pushRequestErrors(
            api: .produce, errors: [.notEnoughReplicas, .requestTimedOut, .notEnoughReplicas])
        for index in 0..<100 {
            try await producer.send(KafkaProducerMessage(topic: topic, key: "k", value: "\(index)"))
        }
        try await producer.close()
        #expect(producer.statistics.delivered == 100)

        let consumer = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: uniqueName("g")), logger: testLogger)
        try consumer.subscribe(topics: [topic])
        var values: [String] = []
        _ = try await pollUntil(consumer, deadline: .seconds(30)) { batch in
            values += batch.compactMap(\.valueString)
            return values.count >= 100
        }
        let extra = try await consumer.nextBatch(timeout: .milliseconds(500))
        try await consumer.close()
        #expect(values == (0..<100).map(String.init))
        #expect(extra.isEmpty)
    }
}
