import Foundation
import Logging
import StreamRecCore
import StreamRecKafka

/// Each user's state on the changelog topic (`topics.changelog`), keyed by user id
/// on the partition of the user's events: what a checkpoint sends, and how an
/// instance given a partition reads that partition's users back.
///
/// A record holds the user's export and `upTo`, the offset after the user's last
/// event it includes. A restored user's events below `upTo` are already in their
/// state, so they are skipped when the partition is processed again: restoring is
/// exact per user even where the changelog is ahead of the committed offsets (a
/// checkpoint that sent its records, then died before committing).
final class StateChangelog {
    /// One changed user: where their events are, and how far their state reaches.
    struct Change {
        var partition: Int32
        var upTo: Int64
        /// Erased (`streamrec forget`): a tombstone goes out instead of a state.
        var erased = false
    }

    let topic: String
    /// Users changed since the last checkpoint.
    private(set) var changed: [String: Change] = [:]

    init(topic: String) {
        self.topic = topic
    }

    /// Notes that the user's event at `offset` of `partition` was applied.
    func noteApplied(_ user: String, partition: Int32, offset: Int64) {
        changed[user] = Change(partition: partition, upTo: offset + 1)
    }

    /// Notes that the user was erased (a tombstone carries no offset).
    func noteErased(_ user: String, partition: Int32) {
        changed[user] = Change(partition: partition, upTo: 0, erased: true)
    }

    /// Sends every changed user's state (from memory, else from the user store).
    /// Returns how many records went out; they are acknowledged by the next flush.
    func send(
        state: EngineState, users: UserStore, producer: KafkaProducer,
        whileFull: () throws(KafkaError) -> Void
    ) throws -> Int {
        for (user, change) in changed {
            var value: [UInt8]?
            if !change.erased,
                let export = try state.exportUser(user) ?? users.get(.init(partition: change.partition, user: user))
            {
                value = ChangelogRecord(upTo: change.upTo, export: export).encoded()
            }
            try producer.sendSync(
                topic: topic, partition: change.partition, key: Array(user.utf8), value: value, whileFull: whileFull)
        }
        let sent = changed.count
        changed = [:]
        return sent
    }

    /// The newest record of every user in `partition` (nil: erased), read from
    /// the start of the partition to its end as of now.
    static func read(
        partition: Int32, topic: String, client: KafkaClientConfiguration, logger: Logger,
        stallTimeout: Duration = .seconds(30)
    ) throws -> (users: [String: ChangelogRecord?], records: Int) {
        let reader = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: client, groupID: "streamrec-changelog-reader"),
            logger: logger)
        defer { try? reader.closeSync() }
        let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
        let (low, high) = try reader.watermarks(of: topicPartition)
        var users: [String: ChangelogRecord?] = [:]
        guard high > low else { return (users, 0) }
        try reader.assign([KafkaTopicPartitionOffset(topicPartition, offset: KafkaOffset(low))])
        var next = low
        var records = 0
        var lastProgress = ContinuousClock.now
        while next < high {
            let batch = try reader.poll(timeout: .milliseconds(100))
            if batch.isEmpty {
                guard ContinuousClock.now - lastProgress < stallTimeout else {
                    throw EngineError(
                        "restoring \(topicPartition): no record for \(stallTimeout) at offset \(next) of \(high)")
                }
                continue
            }
            lastProgress = ContinuousClock.now
            for message in batch {
                next = message.offset + 1
                records += 1
                guard let key = message.keyString else { continue }
                users[key] = try message.value.map { bytes throws(EngineError) in
                    try ChangelogRecord(decoding: Array(bytes), user: key, from: topicPartition)
                }
            }
        }
        return (users, records)
    }
}

/// One user's state as the changelog carries it: `upTo`, then the export with a checksum.
struct ChangelogRecord {
    var upTo: Int64
    var export: [UInt8]

    static let version: UInt8 = 1

    func encoded() -> [UInt8] {
        [Self.version] + withUnsafeBytes(of: upTo.littleEndian, Array.init) + UserStore.seal(export)
    }

    init(upTo: Int64, export: [UInt8]) {
        self.upTo = upTo
        self.export = export
    }

    init(decoding bytes: [UInt8], user: String, from partition: KafkaTopicPartition) throws(EngineError) {
        guard bytes.count >= 13, bytes[0] == Self.version else {
            throw EngineError("changelog \(partition): user '\(user)' has a record this version cannot read")
        }
        upTo = bytes[1..<9].enumerated().reduce(Int64(0)) { $0 | Int64($1.element) << (8 * $1.offset) }
        export = try UserStore.open(Array(bytes[9...]), user: user, path: "changelog \(partition)")
    }
}
