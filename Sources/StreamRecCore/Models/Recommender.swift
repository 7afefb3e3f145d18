/// The contract every StreamRec model keeps, online and offline alike: learn one
/// event at a time, then rank. Scoring never creates state: an unknown user or
/// item is answered from what exists (or not at all), never added.
public protocol Recommender: Sendable {
    /// The name `evaluate --models` and the engine use, e.g. `isgd`.
    var name: String { get }

    /// Learns from one event (the only mutator).
    mutating func learn(_ event: Event)

    /// Learns from `events` in order: the same model as learning them one by one.
    /// The engine learns a consumed batch at once, which lets models whose state
    /// is bound by memory latency fetch ahead (the feature store does).
    mutating func learn(contentsOf events: [Event])

    /// The `count` best items for `user`, best first, leaving out `excluded`
    /// item ids. Empty when the model has nothing to say about the user.
    func recommend(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem]

    /// ``recommend(for:count:excluding:)`` leaving out the items the model's
    /// ``featureStore`` excludes for the user (``FeatureStore/excludedItems(of:)``),
    /// nothing when it keeps none: what the engine's refreshes rank.
    func recommendExcludingConsumed(for user: String, count: Int) -> [ScoredItem]

    /// The items of ``recommend(for:count:excluding:)`` in no particular order,
    /// for callers that only combine them (the hybrid): it saves the sort.
    func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem]

    /// The predicted rating of `item` by `user`, for explicit-feedback models; nil otherwise.
    func predictRating(user: String, item: String) -> Double?

    /// The feature store the model keeps and updates as it learns, if it keeps one
    /// (the co-occurrence signal does). The engine then keeps no second store, and
    /// reads user and item features from this one.
    var featureStore: FeatureStore? { get }

    /// Everything the model keeps about one user (with its feature store's part,
    /// when it keeps one), portable to another instance; nil when it keeps nothing
    /// about them. The engine moves users out of memory with it.
    func exportUser(_ user: String) -> [UInt8]?

    /// Forgets the user: after ``exportUser(_:)`` when they move out of memory, or
    /// for good when they are erased. What they contributed to item statistics stays.
    mutating func removeUser(_ user: String)

    /// Puts back a user of ``exportUser(_:)``, replacing what the model holds for them.
    mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError)

    /// The whole model as a versioned, checksummed snapshot: equal state gives equal
    /// bytes. ``ModelCatalog/restore(_:snapshot:schema:features:settings:)`` reads it back.
    func snapshot() -> [UInt8]

    /// Whether instances of the model can share item state (`engine.share_item_state`):
    /// learn with ``learn(contentsOf:sharing:)`` and apply the others' item side
    /// with ``applyShared(_:)``.
    var sharesItemState: Bool { get }

    /// ``learn(contentsOf:)``, leaving out the item side of the events `sharing`
    /// skips and logging the others' into it when the model keeps the feature store.
    mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing)

    /// Applies the item side of events other instances learned.
    mutating func applyShared(_ events: [SharedItemEvent])

    /// How the item factors moved since the last call, while the model learns with
    /// ``learn(contentsOf:sharing:)`` logging; empty for models without item factors.
    mutating func takeFactorDeltas() -> [ItemFactorDelta]

    /// Adds other instances' item factor deltas.
    mutating func applyFactorDeltas(_ deltas: [ItemFactorDelta])
}

extension Recommender {
    public func predictRating(user: String, item: String) -> Double? { nil }

    public func recommendExcludingConsumed(for user: String, count: Int) -> [ScoredItem] {
        recommend(for: user, count: count, excluding: Set(featureStore?.excludedItems(of: user) ?? []))
    }

    public func candidates(for user: String, count: Int, excluding excluded: Set<String>) -> [ScoredItem] {
        recommend(for: user, count: count, excluding: excluded)
    }

    public var featureStore: FeatureStore? { nil }

    public func exportUser(_ user: String) -> [UInt8]? { nil }

    public mutating func removeUser(_ user: String) {}

    public mutating func importUser(_ user: String, from bytes: [UInt8]) throws(StreamRecError) {}

    public mutating func learn(contentsOf events: [Event]) {
        for event in events { learn(event) }
    }

    public var sharesItemState: Bool { false }

    public mutating func learn(contentsOf events: [Event], sharing: inout ItemSideSharing) {
        learn(contentsOf: events)
    }

    public mutating func applyShared(_ events: [SharedItemEvent]) {}

    public mutating func takeFactorDeltas() -> [ItemFactorDelta] { [] }

    public mutating func applyFactorDeltas(_ deltas: [ItemFactorDelta]) {}
}
