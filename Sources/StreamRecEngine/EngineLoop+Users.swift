import StreamRecCore

extension EngineLoop {
    /// Brings the users of `events` that memory does not hold back from the user
    /// store, before the events are applied: an event always meets its user's
    /// whole state.
    func bringIn(_ batch: IngestedBatch) throws {
        guard users.mayHoldUsers else { return }
        var seen: Set<String> = []
        for (event, position) in zip(batch.events, batch.positions) where seen.insert(event.userID).inserted {
            try bringIn(event.userID, partition: position.partition)
        }
    }

    /// Brings the user back from the user store if memory does not hold them.
    func bringIn(_ user: String, partition: Int32) throws {
        guard users.mayHoldUsers, !state.holdsUser(user),
            let export = try users.get(.init(partition: partition, user: user))
        else { return }
        do {
            try state.importUser(user, partition: partition, from: export)
        } catch {
            throw EngineError("user '\(user)' in \(users.path) cannot be restored: \(error.message)")
        }
        stats.usersBroughtIn += 1
    }

    /// Moves users beyond `features.max_users`, or idle longer than
    /// `features.user_ttl_hours`, from memory to the user store. Never a user whose
    /// refresh is pending: a refresh ranks from memory.
    func moveOutUsers() throws {
        // All that are due, however many: memory must stay at the cap even when a
        // batch brings a batch's worth of new users.
        let leaving = state.features.usersToMoveOut(atMost: .max) { scheduler.isPending($0) }
        guard !leaving.isEmpty else { return }
        var writes: [(key: UserStore.Key, export: (bytes: [UInt8], lastSeen: Int64)?)] = []
        writes.reserveCapacity(leaving.count)
        for user in leaving {
            guard let partition = state.userPartitions[user] else {
                throw EngineError("user '\(user)' is held without a known partition")
            }
            let export = state.exportUser(user).map { ($0, state.features.lastSeen(of: user) ?? .min) }
            writes.append((.init(partition: partition, user: user), export))
            state.removeUser(user)
            quality.forget(user)
        }
        try users.write(writes)
        stats.usersMovedOut += leaving.count
    }
}

extension EngineLoop {
    /// The owned partition under which the user store holds the user, if any.
    func storedPartition(of user: String) throws(EngineError) -> Int32? {
        guard users.mayHoldUsers else { return nil }
        for partition in assigned.sorted() where try users.get(.init(partition: partition, user: user)) != nil {
            return partition
        }
        return nil
    }
}
