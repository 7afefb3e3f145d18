import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import Synchronization

/// Scores what running engines publish, as a user would have seen it: offers a
/// MovieLens log in event-time order (with its own event times) at a fixed rate,
/// keeps every update the engines publish, then replays the stream against them.
/// An event is a hit when its item is in the newest list its user had been sent
/// based on an earlier event of theirs (prequential Recall@10 of the output, any
/// number of instances alike).
struct PublishedRecallBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "published-recall",
        abstract: "Offer a MovieLens log to streamrec run; print the prequential Recall@10 of what it published.")

    @Option(help: "Bootstrap servers of the cluster streamrec run consumes from.") var bootstrap: String
    @Option(help: "MovieLens u.data or ratings.dat.") var file: String
    @Option(help: "An empty events topic: the events' offsets are read back from it.") var eventsTopic =
        "streamrec.events"
    @Option var recommendationsTopic = "streamrec.recommendations"
    @Option(help: "Events to send (from the start of the log in event-time order).") var limit = 100_000
    @Option(help: "Offered events/s.") var rate = 2_000
    @Option(help: "Stop waiting this long after the last update arrives (ms).") var idleMilliseconds = 5_000

    /// A published list, by the event it is based on.
    struct Update {
        var offset: Int64
        var items: [String]
    }

    func run() async throws {
        let events = try EngineLoadBenchmark.load(file, limit: limit)
        var consumer = KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrap), groupID: "published-recall-\(getpid())")
        consumer.fetchWaitMaxMilliseconds = EmbeddedKafkaCluster.recommendedFetchWaitMilliseconds
        let collected = Mutex<[String: [Update]]>([:])
        let tail = try RecommendationTail(consumer: consumer, topic: recommendationsTopic) { update in
            collected.withLock {
                $0[update.userID, default: []].append(
                    Update(offset: update.basedOn.offset, items: update.items.map(\.itemID)))
            }
        }
        try await tail.waitUntilAssigned()

        let producer = try EngineLoadBenchmark.producer(bootstrap: bootstrap)
        let encoder = EventEncoder()
        var buffer: [UInt8] = []
        let start = MonotonicClock.nanoseconds()
        for (index, event) in events.enumerated() {
            let due = start + UInt64(index) * 1_000_000_000 / UInt64(max(rate, 1))
            let now = MonotonicClock.nanoseconds()
            if due > now + 200_000 { usleep(UInt32((due - now) / 1_000)) }
            buffer.removeAll(keepingCapacity: true)
            encoder.encode(event, into: &buffer)
            try producer.sendSync(topic: eventsTopic, key: Array(event.userID.utf8), value: buffer)
        }
        try await producer.close()
        _ = await tail.stop(afterIdle: .milliseconds(idleMilliseconds))

        let logged = try readBack()
        var updates = collected.withLock { $0 }
        for user in updates.keys { updates[user]!.sort { $0.offset < $1.offset } }
        var hits = 0
        var withList = 0
        var hitsWithList = 0
        for event in logged {
            // Updates of one user all come from the user's partition.
            guard let list = updates[event.user], let newest = list.lastIndex(where: { $0.offset < event.offset })
            else { continue }
            withList += 1
            if list[newest].items.prefix(10).contains(event.item) {
                hits += 1
                hitsWithList += 1
            }
        }
        let published = updates.values.reduce(0) { $0 + $1.count }
        print(
            String(
                format: "PUBLISHED events=%d updates=%d recall_at_10=%.4f events_with_list=%d recall_with_list=%.4f",
                logged.count, published, Double(hits) / Double(max(logged.count, 1)), withList,
                Double(hitsWithList) / Double(max(withList, 1))))
    }

    /// Every event of the events topic with its partition and offset.
    private func readBack() throws -> [(user: String, item: String, partition: Int32, offset: Int64)] {
        let reader = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: bootstrap), groupID: "published-recall-reader"))
        defer { try? reader.closeSync() }
        let admin = try KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: bootstrap))
        let partitions = try admin.metadataSync().topic(named: eventsTopic)?.partitions.count ?? 0
        var ends: [Int32: Int64] = [:]
        var starts: [KafkaTopicPartitionOffset] = []
        for partition in Int32(0)..<Int32(partitions) {
            let topicPartition = KafkaTopicPartition(topic: eventsTopic, partition: partition)
            let (low, high) = try reader.watermarks(of: topicPartition)
            ends[partition] = high
            starts.append(KafkaTopicPartitionOffset(topicPartition, offset: KafkaOffset(low)))
        }
        try reader.assign(starts)
        let decoder = EventDecoder(schema: EventSchema())
        var next: [Int32: Int64] = [:]
        var logged: [(user: String, item: String, partition: Int32, offset: Int64)] = []
        while ends.contains(where: { next[$0.key, default: 0] < $0.value }) {
            for message in try reader.poll(timeout: .milliseconds(200)) {
                next[message.partition] = message.offset + 1
                guard let value = message.value, let event = try? decoder.decode(Array(value)) else { continue }
                logged.append((event.userID, event.itemID, message.partition, message.offset))
            }
        }
        return logged
    }
}
