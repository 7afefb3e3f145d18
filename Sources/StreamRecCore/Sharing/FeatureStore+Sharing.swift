extension FeatureStore {
    /// Applies the item side of another instance's event: the same counters,
    /// decayed sums, attributes and co-occurrence pairs as its owner applied, and
    /// nothing of its user. Returns false for a type the schema does not know.
    ///
    /// Lateness was judged by the owner: an event it applied is applied here.
    @discardableResult
    public mutating func applyShared(_ event: SharedItemEvent) -> Bool {
        applyShared(event, neighbourUpdates: nil)
    }

    /// ``applyShared(_:)`` for each event in order. Their co-occurrence pairs are
    /// held and applied grouped by item (``NeighbourUpdateBatch``), on two threads
    /// for a large batch, as the store's own events are: every instance applies
    /// every event's pairs, so this is most of what sharing costs.
    public mutating func applyShared(contentsOf events: [SharedItemEvent]) {
        let room =
            settings.cooccurrence
            ? min(Self.neighbourUpdatesHeldForTwoThreads, max(2, events.count * 2 * settings.cooccurrenceWindow)) : 0
        let held = HeldNeighbourUpdates(room)
        for event in events { _ = applyShared(event, neighbourUpdates: held.batch) }
        applyHeld(held, onTwoThreads: events.count >= LargeBatch.minimumEvents)
    }

    private mutating func applyShared(
        _ event: SharedItemEvent, neighbourUpdates: UnsafeMutablePointer<NeighbourUpdateBatch>?
    ) -> Bool {
        guard let type = typeSlot(event.type) else { return false }
        let time = event.timestampMilliseconds
        if time > now {
            now = time
            renormalizeIfNeeded(neighbourUpdates: neighbourUpdates)
        }
        let weight = type == ratingTypeSlot ? typeWeights[type] : typeWeights[type] * (event.value ?? 1)
        let item = items.intern(event.itemID).index
        itemTable.ensure(item)
        let cooccurrence = settings.cooccurrence ? cooccurrenceDecay.factor(at: time) : 0
        let decay = Factors(
            user: 0, popularity: popularityDecay.factor(at: time), trending: trendingDecay.factor(at: time),
            cooccurrence: cooccurrence)
        countItemEvent(item, type: type, weight: weight, decay: decay, time: time, newUser: event.newUser)
        let i = Int(item)
        if let category = event.category { _ = setCategory(of: i, to: category) }
        for (name, value) in event.attributes {
            if let a = settings.numericAttributes.firstIndex(of: name) { setAttribute(a, of: i, to: value) }
        }
        guard settings.cooccurrence else { return true }
        // Newest first, weighted as the owner weighted them.
        var pairWeight = cooccurrence * pairWeights[type]
        for (k, other) in event.paired.enumerated() {
            let neighbour = items.intern(other).index
            itemTable.ensure(neighbour)
            if k == 0 { itemTable.addSuccessor(neighbour, item, stored: pairWeight) }
            pair(item, neighbour, stored: pairWeight, neighbourUpdates: neighbourUpdates)
            pairWeight *= settings.cooccurrencePairDecay
        }
        return true
    }

    /// The logged item side of `events` (the batch the log was filled from), with
    /// ids, each with the offset `offsets` gives its event.
    public func sharedItemEvents(
        _ log: ItemSideLog, of events: [Event], offsets: (Int) -> Int64
    ) -> [SharedItemEvent] {
        log.entries.map { entry in
            let event = events[Int(entry.event)]
            var category: String?
            var attributes: [String: Double] = [:]
            for (name, attribute) in event.item {
                if name == "category" {
                    category = Self.categoryName(attribute)
                } else if case .number(let value) = attribute, settings.numericAttributes.contains(name) {
                    attributes[name] = value
                }
            }
            let start = Int(entry.pairedStart)
            return SharedItemEvent(
                offset: offsets(Int(entry.event)), itemID: event.itemID, type: event.type,
                timestampMilliseconds: event.timestampMilliseconds, value: event.value, newUser: entry.newUser,
                category: category, attributes: attributes,
                paired: log.paired[start..<start + Int(entry.pairedCount)].map { items.id(at: $0) })
        }
    }
}
