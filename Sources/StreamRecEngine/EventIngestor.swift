import Logging
import Metrics
import StreamRecCore
import StreamRecKafka
import Synchronization

/// The valid events of a consumed batch, in record order, and where each came from.
package struct IngestedBatch: Sendable {
    /// Where a record was in the log.
    package struct Position: Sendable, Equatable {
        package var partition: Int32
        package var offset: Int64
    }

    package var events: [Event]
    /// The position of each event's record, index for index.
    package var positions: [Position]
}

/// The first stage of the pipeline: turns consumed records into events, in
/// order, and sends every record that is not a valid event to the dead-letter
/// topic with the reason. A bad record never stops the stream.
package final class EventIngestor: Sendable {
    private let decoder: EventDecoder
    private let deadLetters: KafkaProducer
    private let deadLetterTopic: String
    private let logger: Logger
    private let counts = Mutex<[String: Int]>([:])
    private let counters: [String: Counter]

    /// - Parameter deadLetters: the producer for dead letters. Its
    ///   `maxRecordBytes` must admit the largest record the consumer can receive
    ///   (``largestConsumedRecord``), or the record cannot be kept.
    package init(decoder: EventDecoder, deadLetters: KafkaProducer, deadLetterTopic: String, logger: Logger) {
        self.decoder = decoder
        self.deadLetters = deadLetters
        self.deadLetterTopic = deadLetterTopic
        self.logger = logger
        counters = Dictionary(
            uniqueKeysWithValues: EventDecodingError.Reason.all.map {
                ($0.code, Counter(label: "streamrec_dead_letters_total", dimensions: [("reason", $0.code)]))
            })
    }

    /// The largest record a consumer accepts (librdkafka's
    /// `receive.message.max.bytes`, 100 MB): what a dead-letter producer must admit.
    package static let largestConsumedRecord = 100_000_000

    /// The valid events of `batch`, in record order. Each invalid record is enqueued
    /// to the dead-letter topic, in record order, before this returns; when the
    /// producer queue is full it waits for room rather than drop anything.
    package func ingest(_ batch: [KafkaConsumerMessage]) throws(KafkaError) -> IngestedBatch {
        let decoder = decoder
        let failures = Mutex<[(index: Int, error: EventDecodingError)]>([])
        // Decoding is a function of the record alone, so a large batch is decoded
        // on every core, each event straight into its place. A record that fails
        // leaves a placeholder there, removed below: failures are rare, and the
        // common batch is then never copied.
        var events = Parallel.map(count: batch.count, chunk: 1_024) { k -> Event in
            do throws(EventDecodingError) {
                return try decoder.decode(batch[k].value)
            } catch {
                failures.withLock { $0.append((k, error)) }
                return Self.placeholder
            }
        }
        var positions = batch.map { IngestedBatch.Position(partition: $0.partition, offset: $0.offset) }
        let rejected = failures.withLock { $0 }.sorted { $0.index < $1.index }
        guard !rejected.isEmpty else { return IngestedBatch(events: events, positions: positions) }
        for (index, error) in rejected { try reject(batch[index], error) }
        let failed = Set(rejected.map(\.index))
        events = events.indices.filter { !failed.contains($0) }.map { events[$0] }
        positions = positions.indices.filter { !failed.contains($0) }.map { positions[$0] }
        return IngestedBatch(events: events, positions: positions)
    }

    /// Stands in for a record that failed to decode until it is removed.
    private static let placeholder = Event(userID: "", itemID: "", type: "", timestampMilliseconds: 0)

    private func reject(_ message: KafkaConsumerMessage, _ error: EventDecodingError) throws(KafkaError) {
        let record = DeadLetter.record(for: message, error: error, topic: deadLetterTopic)
        try deadLetters.sendSync(record)
        let seen = counts.withLock { counts in
            counts[error.reason.code, default: 0] += 1
            return counts[error.reason.code]!
        }
        counters[error.reason.code]?.increment()
        // The first of each reason, then every thousandth: a broken producer must not flood the log.
        if seen == 1 || seen % 1_000 == 0 {
            logger.warning(
                "dead-lettered \(message.topic)[\(message.partition)]@\(message.offset): \(error) (\(seen) so far)")
        }
    }

    /// Records sent to the dead-letter topic so far, by reason code.
    package var rejected: [String: Int] { counts.withLock { $0 } }
}
