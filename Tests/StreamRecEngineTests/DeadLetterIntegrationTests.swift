import Foundation
import Logging
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Malformed events go to the dead-letter topic; the stream goes on", .serialized, .timeLimit(.minutes(3)))
struct DeadLetterIntegrationTests {
    /// One malformed record per kind the issue names, each with the reason the
    /// dead-letter header must carry.
    static func malformed() -> [(bytes: [UInt8]?, reason: String)] {
        let ok = #""user_id":"bad","item_id":"i","type":"view","timestamp":1700000000000"#
        let invalidUTF8 =
            Array(#"{"user_id":"b"#.utf8) + [0xC3, 0x28]
            + Array(#"","item_id":"i","type":"view","timestamp":1700000000000}"#.utf8)
        // 5 MB: larger than events.max_payload_bytes (1 MiB), and compressible, so
        // that the embedded cluster's 5 MiB partitions hold it.
        let huge =
            Array(#"{"#.utf8) + Array(ok.utf8) + Array(#","padding":""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: 5_000_000) + Array(#""}"#.utf8)
        return [
            (Array(#"{"item_id":"i","type":"view","timestamp":1700000000000}"#.utf8), "missing_field"),
            (Array(#"{"user_id":7,"item_id":"i","type":"view","timestamp":1700000000000}"#.utf8), "wrong_type"),
            (Array(#"{"user_id":"","item_id":"i","type":"view","timestamp":1700000000000}"#.utf8), "empty_id"),
            (
                Array(
                    #"{"user_id":"\#(String(repeating: "u", count: 300))","item_id":"i","type":"view","timestamp":1700000000000}"#
                        .utf8), "id_too_long"
            ),
            (
                Array(#"{"user_id":"b","item_id":"i","type":"teleport","timestamp":1700000000000}"#.utf8),
                "unknown_event_type"
            ),
            (invalidUTF8, "invalid_utf8"),
            (
                Array(#"{"user_id":"b","item_id":"i","type":"view","timestamp":1700000000}"#.utf8),
                "timestamp_out_of_range"
            ),
            (
                Array(#"{"user_id":"b","item_id":"i","type":"view","timestamp":"next tuesday"}"#.utf8),
                "invalid_timestamp"
            ),
            (
                Array(#"{"user_id":"b","item_id":"i","type":"rating","value":11,"timestamp":1700000000000}"#.utf8),
                "rating_out_of_range"
            ),
            (
                Array(#"{"user_id":"b","item_id":"i","type":"view","value":-3,"timestamp":1700000000000}"#.utf8),
                "invalid_value"
            ),
            (huge, "payload_too_large"),
            (Array(#"{"user_id":"b","item_id""#.utf8), "malformed_json"),
            (Array("not json at all".utf8), "malformed_json"),
            (nil, "empty_payload"),
            ([], "empty_payload"),
        ]
    }

    @Test("10,000 valid events arrive in order per user; every malformed record is dead-lettered with its reason")
    func mixedStream() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1, logger: testLogger)
        let eventsTopic = "events", deadLetterTopic = "events.dlq"
        try cluster.createTopic(eventsTopic, partitions: 6)
        try cluster.createTopic(deadLetterTopic, partitions: 3)

        var producerConfiguration = cluster.producerConfiguration()
        producerConfiguration.client.properties["message.max.bytes"] = "10000000"
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: testLogger)
        let encoder = EventEncoder()
        let users = 50, valid = 10_000
        let bad = Self.malformed()
        var badByKey: [String: (bytes: [UInt8]?, reason: String)] = [:]
        var sequenceOfValid = 0
        for index in 0..<(valid + bad.count) {
            // Spread the malformed records through the stream.
            if index % (valid / bad.count) == 7, badByKey.count < bad.count {
                let key = "bad-\(badByKey.count)"
                badByKey[key] = bad[badByKey.count]
                try await producer.send(
                    KafkaProducerMessage(
                        topic: eventsTopic, key: Array(key.utf8), value: bad[badByKey.count - 1].bytes,
                        headers: [KafkaHeader(key: "origin", value: "test")]))
                continue
            }
            guard sequenceOfValid < valid else { continue }
            let user = "user-\(sequenceOfValid % users)"
            let event = Event(
                userID: user, itemID: "item-\(sequenceOfValid)", type: "view",
                timestampMilliseconds: 1_700_000_000_000 + Int64(sequenceOfValid), eventID: String(sequenceOfValid))
            try await producer.send(
                KafkaProducerMessage(topic: eventsTopic, key: Array(user.utf8), value: encoder.encode(event)))
            sequenceOfValid += 1
        }
        try await producer.close()
        #expect(producer.statistics.failed == 0)
        try #require(badByKey.count == bad.count)

        var dlqProducerConfiguration = cluster.producerConfiguration()
        dlqProducerConfiguration.maxRecordBytes = EventIngestor.largestConsumedRecord
        let deadLetters = try KafkaProducer(configuration: dlqProducerConfiguration, logger: testLogger)
        let ingestor = EventIngestor(
            decoder: EventDecoder(), deadLetters: deadLetters, deadLetterTopic: deadLetterTopic, logger: testLogger)
        let consumer = try KafkaConsumer(
            configuration: cluster.consumerConfiguration(groupID: "ingest"), logger: testLogger)
        try consumer.subscribe(topics: [eventsTopic])
        var received: [Event] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(90)
        while clock.now < deadline, received.count < valid || ingestor.rejected.values.reduce(0, +) < bad.count {
            let records = try await consumer.nextBatch(timeout: .milliseconds(100))
            let ingested = try ingestor.ingest(records)
            // Each event's position names the record it was decoded from.
            #expect(ingested.positions.count == ingested.events.count)
            let recordAt = Dictionary(uniqueKeysWithValues: records.map { ("\($0.partition)@\($0.offset)", $0) })
            for (event, position) in zip(ingested.events, ingested.positions) {
                let record = try #require(recordAt["\(position.partition)@\(position.offset)"])
                #expect(try EventDecoder().decode(record.value).eventID == event.eventID)
            }
            received += ingested.events
        }
        try await consumer.close()
        try await deadLetters.close()
        #expect(deadLetters.statistics.failed == 0)

        // Every valid event, once, in order per user.
        #expect(received.count == valid)
        var lastPerUser: [String: Int] = [:]
        for event in received {
            let sequence = Int(event.eventID!)!
            if let last = lastPerUser[event.userID] { #expect(sequence > last) }
            lastPerUser[event.userID] = sequence
        }
        #expect(Set(received.map(\.eventID)).count == valid)
        var expectedCounts: [String: Int] = [:]
        for item in bad { expectedCounts[item.reason, default: 0] += 1 }
        #expect(ingestor.rejected == expectedCounts)

        // Every malformed record is in the dead-letter topic: key, bytes and headers kept, reason given.
        let reader = try KafkaConsumer(
            configuration: cluster.consumerConfiguration(groupID: "dlq-reader"), logger: testLogger)
        try reader.subscribe(topics: [deadLetterTopic])
        var letters: [KafkaConsumerMessage] = []
        let readDeadline = clock.now + .seconds(60)
        while clock.now < readDeadline, letters.count < bad.count {
            letters += try await reader.nextBatch(timeout: .milliseconds(100))
        }
        try await reader.close()
        #expect(letters.count == bad.count)
        for letter in letters {
            let key = try #require(letter.keyString)
            let original = try #require(badByKey[key])
            #expect(letter.headers.string(DeadLetter.errorHeader) == original.reason, "\(key)")
            #expect(letter.value.map(Array.init) == original.bytes, "\(key): bytes unchanged")
            #expect(letter.headers.string("origin") == "test", "original headers kept")
            #expect(letter.headers.string(DeadLetter.sourceTopicHeader) == eventsTopic)
            #expect(letter.headers.string(DeadLetter.sourcePartitionHeader).flatMap(Int32.init) != nil)
            #expect(letter.headers.string(DeadLetter.sourceOffsetHeader).flatMap(Int64.init) != nil)
            #expect(!(letter.headers.string(DeadLetter.messageHeader) ?? "").isEmpty)
        }
    }
}
