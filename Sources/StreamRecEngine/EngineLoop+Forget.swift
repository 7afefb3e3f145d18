import StreamRecKafka

extension EngineLoop {
    /// Acts on a control record in its place in the stream.
    func perform(control record: KafkaConsumerMessage) throws {
        state.offsets[record.partition] = record.offset + 1
        state.recordsConsumed += 1
        stats.recordsConsumed += 1
        recordsSinceCheckpoint += 1
        guard ControlRecord.action(of: record) == ControlRecord.forget, let user = record.keyString, !user.isEmpty
        else {
            logger.warning(
                """
                ignoring control record \(record.topic)[\(record.partition)]@\(record.offset): \
                \(ControlRecord.header)=\(ControlRecord.action(of: record) ?? "") with key \(record.keyString ?? "none")
                """)
            return
        }
        try forget(user, partition: record.partition, offset: record.offset)
    }

    /// Erases the user for a control record.
    func forget(_ user: String, partition: Int32, offset: Int64) throws {
        try erase(user, partition: partition)
        stats.usersForgotten += 1
        logger.info("forgot user '\(user)' (control record \(configuration.topics.events)[\(partition)]@\(offset))")
    }

    /// Erases the user: from memory, from the user store (and so from the next
    /// checkpoint), with tombstones on the changelog and on the recommendations
    /// topic. What they added to item statistics stays: those are aggregates.
    func erase(_ user: String, partition: Int32) throws {
        state.removeUser(user)
        scheduler.cancel(user)
        periodic.forget(user: user)
        quality.forget(user)
        receivedAt[user] = nil
        restoredUpTo[user] = nil
        try users.write([(.init(partition: partition, user: user), nil)])
        changelog?.noteErased(user, partition: partition)
        try producer.sendSync(
            topic: configuration.topics.recommendations, key: Array(user.utf8), value: [UInt8]?.none,
            whileFull: pauseForBackpressure)
        try resumeIfPaused()
        stateChangedSinceCheckpoint = true
    }
}
