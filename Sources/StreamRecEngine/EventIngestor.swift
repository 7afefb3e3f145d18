import Foundation
import Logging
import Metrics
import StreamRecCore
import StreamRecKafka
import Synchronization

/// A decoded event and the record it came from.
public struct IngestedEvent: Sendable {
    public var event: Event
    public var partition: Int32
    public var offset: Int64
}

/// The first stage of the pipeline: turns consumed records into events, in
/// order, and sends every record that is not a valid event to the dead-letter
/// topic with the reason. A bad record never stops the stream.
public final class EventIngestor: Sendable {
    private let decoder: EventDecoder
    private let deadLetters: KafkaProducer
    private let deadLetterTopic: String
    private let logger: Logger
    private let counts = Mutex<[String: Int]>([:])
    private let counters: [String: Counter]

    /// - Parameter deadLetters: the producer for dead letters. Its
    ///   `message.max.bytes` must admit the largest record the consumer can receive
    ///   (see ``deadLetterProducerProperties``), or the record cannot be kept.
    public init(decoder: EventDecoder, deadLetters: KafkaProducer, deadLetterTopic: String, logger: Logger) {
        self.decoder = decoder
        self.deadLetters = deadLetters
        self.deadLetterTopic = deadLetterTopic
        self.logger = logger
        counters = Dictionary(uniqueKeysWithValues: EventDecodingError.Reason.all.map {
            ($0.code, Counter(label: "streamrec_events_rejected_total", dimensions: [("reason", $0.code)]))
        })
    }

    /// Producer properties a dead-letter producer needs: room for the largest
    /// record a consumer accepts (librdkafka's `receive.message.max.bytes`, 100 MB).
    public static let deadLetterProducerProperties = ["message.max.bytes": "100000000"]

    /// The valid events of `batch`, in record order. Each invalid record is enqueued
    /// to the dead-letter topic before this returns; when the producer queue is full
    /// it waits for room rather than drop anything.
    public func ingest(_ batch: [KafkaConsumerMessage]) throws(KafkaError) -> [IngestedEvent] {
        let decoder = decoder
        // Decoding is a function of the record alone, so a large batch is decoded
        // on every core; dead letters and the order of events stay sequential.
        let decoded = concurrentMap(count: batch.count, chunk: 1_024) { k in
            Result { () throws(EventDecodingError) in try decoder.decode(batch[k].value) }
        }
        var events: [IngestedEvent] = []
        events.reserveCapacity(batch.count)
        for (message, result) in zip(batch, decoded) {
            switch result {
            case .success(let event):
                events.append(IngestedEvent(event: event, partition: message.partition, offset: message.offset))
            case .failure(let error):
                try reject(message, error)
            }
        }
        return events
    }

    private func reject(_ message: KafkaConsumerMessage, _ error: EventDecodingError) throws(KafkaError) {
        let record = DeadLetter.record(for: message, error: error, topic: deadLetterTopic)
        while true {
            do throws(KafkaError) {
                try deadLetters.trySend(record)
                break
            } catch where error.code == .queueFull {
                usleep(1_000)
            }
        }
        let seen = counts.withLock { counts in
            counts[error.reason.code, default: 0] += 1
            return counts[error.reason.code]!
        }
        counters[error.reason.code]?.increment()
        // The first of each reason, then every thousandth: a broken producer must not flood the log.
        if seen == 1 || seen % 1_000 == 0 {
            logger.warning("dead-lettered \(message.topic)[\(message.partition)]@\(message.offset): \(error) (\(seen) so far)")
        }
    }

    /// Records sent to the dead-letter topic so far, by reason code.
    public var rejected: [String: Int] { counts.withLock { $0 } }
}
