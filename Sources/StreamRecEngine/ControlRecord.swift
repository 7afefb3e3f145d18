import StreamRecKafka

/// A record of the events topic that tells the engine to do something for one
/// user rather than carrying an event: `streamrec forget` sends one. It travels
/// with the user's events (same key, same partition), so the engine acts on it in
/// order with them, on whichever instance owns the user.
package enum ControlRecord {
    /// The header naming the action; events never carry it.
    package static let header = "streamrec-control"
    /// Erase the user (`streamrec forget`).
    package static let forget = "forget"

    /// The record that erases `user`: keyed by the user id, with an empty JSON object
    /// as value (so that a reader that ignores headers sees no event in it).
    package static func forgetting(_ user: String, topic: String) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic, key: Array(user.utf8), value: Array("{}".utf8),
            headers: [KafkaHeader(key: header, value: forget)])
    }

    /// The action a record asks for, or nil for an ordinary record.
    static func action(of message: KafkaConsumerMessage) -> String? {
        guard !message.headers.isEmpty else { return nil }
        return message.headers.string(header)
    }
}
