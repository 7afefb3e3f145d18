import StreamRecCore
import StreamRecKafka

/// How a rejected record goes to the dead-letter topic: its original key, value
/// and headers unchanged, plus headers that say why and where it came from, so
/// that it can be inspected, fixed and replayed.
package enum DeadLetter {
    /// The stable reason code, e.g. `missing_field` (see ``EventDecodingError/Reason``).
    package static let errorHeader = "streamrec.error"
    /// The reason as a sentence.
    package static let messageHeader = "streamrec.error.message"
    /// The field concerned, when there is one.
    package static let fieldHeader = "streamrec.error.field"
    package static let sourceTopicHeader = "streamrec.source.topic"
    package static let sourcePartitionHeader = "streamrec.source.partition"
    package static let sourceOffsetHeader = "streamrec.source.offset"
    /// The source record's timestamp (epoch ms), when it had one.
    package static let sourceTimestampHeader = "streamrec.source.timestamp"

    /// The dead-letter record for `source`, rejected because of `error`.
    package static func record(
        for source: KafkaConsumerMessage, error: EventDecodingError, topic: String
    ) -> KafkaProducerMessage {
        var headers = source.headers
        headers.append(KafkaHeader(key: errorHeader, value: error.reason.code))
        headers.append(KafkaHeader(key: messageHeader, value: error.message))
        if let field = error.field { headers.append(KafkaHeader(key: fieldHeader, value: field)) }
        headers.append(KafkaHeader(key: sourceTopicHeader, value: source.topic))
        headers.append(KafkaHeader(key: sourcePartitionHeader, value: String(source.partition)))
        headers.append(KafkaHeader(key: sourceOffsetHeader, value: String(source.offset)))
        if let timestamp = source.timestampMilliseconds {
            headers.append(KafkaHeader(key: sourceTimestampHeader, value: String(timestamp)))
        }
        return KafkaProducerMessage(
            topic: topic,
            key: source.key.map(Array.init),
            value: source.value.map(Array.init),
            headers: headers,
            timestampMilliseconds: source.timestampMilliseconds
        )
    }
}
