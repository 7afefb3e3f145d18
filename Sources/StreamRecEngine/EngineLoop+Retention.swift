import StreamRecCore

extension EngineLoop {
    /// With `state.user_retention_days`, erases the users whose latest event is
    /// older than that (event time), in memory and in the user store, as `streamrec
    /// forget` would; at most every `state.retention_sweep_ms`, at a checkpoint.
    func sweepExpiredUsers() throws {
        let days = configuration.state.userRetentionDays
        guard days > 0, state.features.now != .min else { return }
        let now = MonotonicClock.nanoseconds()
        let interval = UInt64(configuration.state.retentionSweepMilliseconds) * 1_000_000
        if let last = lastRetentionSweep, now &- last < interval { return }
        lastRetentionSweep = now
        let horizon = state.features.now - Int64(days * 86_400_000)
        var expired: [UserStore.Key] = state.features.users(lastSeenBefore: horizon).compactMap { user in
            state.userPartitions[user].map { UserStore.Key(partition: $0, user: user) }
        }
        for key in try users.users(lastSeenBefore: horizon) where !state.holdsUser(key.user) { expired.append(key) }
        guard !expired.isEmpty else { return }
        for key in expired { try erase(key.user, partition: key.partition) }
        stats.usersExpired += expired.count
        logger.info("erased \(expired.count) users idle longer than \(days) days (state.user_retention_days)")
    }
}
