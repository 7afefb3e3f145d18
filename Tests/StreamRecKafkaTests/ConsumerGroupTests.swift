import Foundation
import StreamRecKafka
import StreamRecTestSupport
import Testing

@Suite("Consumer groups against the embedded cluster", .serialized, .timeLimit(.minutes(3)))
struct ConsumerGroupTests {
    @Test("Two members split the partitions and the caller hears every assignment and revocation")
    func twoMembersSplitPartitions() async throws {
        let topic = uniqueName("split")
        let group = uniqueName("g")
        try sharedCluster.createTopic(topic, partitions: 6)
        let revokedByListener = LockedBox<[KafkaTopicPartition]>([])
        let listener = KafkaRebalanceListener(onRevoked: { partitions in
            revokedByListener.withLock { $0 += partitions }
        })

        let first = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: group), logger: testLogger,
            rebalanceListener: listener)
        let firstLog = EventLog(first)
        try first.subscribe(topics: [topic])
        let firstAssigned = try await pollUntil(first, deadline: .seconds(30)) { _ in
            (try? first.assignment().count) == 6
        }
        #expect(firstAssigned)

        let second = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: group), logger: testLogger)
        let secondLog = EventLog(second)
        try second.subscribe(topics: [topic])
        // Both members must poll for the rebalance to run through.
        let clock = ContinuousClock()
        let end = clock.now + .seconds(45)
        var split = false
        while clock.now < end, !split {
            async let a = first.nextBatch(timeout: .milliseconds(100))
            async let b = second.nextBatch(timeout: .milliseconds(100))
            _ = try await (a, b)
            let ownedByFirst = try first.assignment()
            let ownedBySecond = try second.assignment()
            split = !ownedByFirst.isEmpty && !ownedBySecond.isEmpty && ownedByFirst.count + ownedBySecond.count == 6
        }
        #expect(split)
        let ownedByFirst = Set(try first.assignment())
        let ownedBySecond = Set(try second.assignment())
        #expect(ownedByFirst.isDisjoint(with: ownedBySecond))
        #expect(
            ownedByFirst.union(ownedBySecond) == Set((0..<6).map { KafkaTopicPartition(topic: topic, partition: $0) }))

        // The events reached the caller: the first member was revoked before its share
        // came back, and the listener heard the revocation synchronously.
        try await Task.sleep(for: .milliseconds(100))
        #expect(firstLog.revoked.count >= 1)
        #expect(!revokedByListener.withLock { $0 }.isEmpty)
        #expect(Set(firstLog.assigned.last ?? []) == ownedByFirst)
        #expect(Set(secondLog.assigned.last ?? []) == ownedBySecond)

        try await second.close()
        try await first.close()
    }

    @Test("A restarted member resumes exactly where the previous one committed")
    func committedOffsetsSurviveRestart() async throws {
        let topic = uniqueName("resume")
        let group = uniqueName("g")
        try sharedCluster.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(configuration: sharedCluster.producerConfiguration(), logger: testLogger)
        for index in 0..<3_000 {
            try await producer.send(KafkaProducerMessage(topic: topic, key: "k\(index % 30)", value: "\(index)"))
        }
        try await producer.close()

        // First member: read, then commit only what it has processed — at least
        // 1,000 records, stopping at a batch boundary.
        let first = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: group), logger: testLogger)
        try first.subscribe(topics: [topic])
        var processed: [KafkaConsumerMessage] = []
        _ = try await pollUntil(first) { batch in
            processed += batch
            return processed.count >= 1_000
        }
        var committed: [KafkaTopicPartition: KafkaOffset] = [:]
        for message in processed { committed[message.topicPartition] = message.nextOffset.offset }
        try await first.commit(committed.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) })
        try await first.close()

        // Second member, same group: starts at the committed positions.
        let second = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: group), logger: testLogger)
        try second.subscribe(topics: [topic])
        var rest: [KafkaConsumerMessage] = []
        _ = try await pollUntil(second) { batch in
            rest += batch
            return processed.count + rest.count >= 3_000
        }
        let stored = try second.committed(committed.keys.sorted())
        try await second.close()

        #expect(processed.count + rest.count == 3_000)
        #expect(Set((processed + rest).compactMap(\.valueString)).count == 3_000)
        for (partition, offset) in committed {
            let firstSeen = rest.filter { $0.topicPartition == partition }.map(\.offset).min()
            #expect(
                firstSeen == nil || firstSeen == offset.rawValue,
                "partition \(partition) resumed at \(String(describing: firstSeen)), committed \(offset)")
        }
        #expect(Dictionary(uniqueKeysWithValues: stored.map { ($0.topicPartition, $0.offset) }) == committed)
    }

    @Test("Paused partitions deliver nothing until resumed, and close does not hang after it")
    func pauseAndResume() async throws {
        let topic = uniqueName("pause")
        try sharedCluster.createTopic(topic, partitions: 1)
        let consumer = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: uniqueName("g")), logger: testLogger)
        try consumer.subscribe(topics: [topic])
        _ = try await pollUntil(consumer, deadline: .seconds(30)) { _ in (try? consumer.assignment().count) == 1 }
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        try consumer.pause([partition])

        let producer = try KafkaProducer(configuration: sharedCluster.producerConfiguration(), logger: testLogger)
        for index in 0..<10 {
            try await producer.sendAndAwaitDelivery(KafkaProducerMessage(topic: topic, key: "k", value: "\(index)"))
        }
        try await producer.close()

        var whilePaused = 0
        for _ in 0..<10 { whilePaused += try await consumer.nextBatch(timeout: .milliseconds(100)).count }
        #expect(whilePaused == 0)

        try consumer.resume([partition])
        var afterResume = 0
        _ = try await pollUntil(consumer, deadline: .seconds(20)) { batch in
            afterResume += batch.count
            return afterResume >= 10
        }
        #expect(afterResume == 10)
        try consumer.pause([partition])
        try await consumer.close()
    }

    @Test("Seek moves an assigned partition back to an earlier offset")
    func seekRewinds() async throws {
        let topic = uniqueName("seek")
        try sharedCluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: sharedCluster.producerConfiguration(), logger: testLogger)
        for index in 0..<20 { try await producer.send(KafkaProducerMessage(topic: topic, key: "k", value: "\(index)")) }
        try await producer.close()

        let consumer = try KafkaConsumer(
            configuration: sharedCluster.consumerConfiguration(groupID: uniqueName("g")), logger: testLogger)
        try consumer.subscribe(topics: [topic])
        var seen: [Int64] = []
        _ = try await pollUntil(consumer) { batch in
            seen += batch.map(\.offset)
            return seen.count >= 20
        }
        try consumer.seek([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 15)])
        var again: [Int64] = []
        _ = try await pollUntil(consumer, deadline: .seconds(20)) { batch in
            again += batch.map(\.offset)
            return again.count >= 5
        }
        try await consumer.close()
        #expect(seen == Array(0..<20))
        #expect(again == Array(15..<20))
    }
}
