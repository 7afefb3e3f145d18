/// The item side of one event its owner applied: what another instance needs to
/// update its item state exactly as the owner did, without the user's state.
///
/// Item counts, popularity, trending, distinct users and co-occurrence are sums
/// over events, so instances that each apply every event's item side once, in any
/// order, hold the same counts.
public struct SharedItemEvent: Sendable, Equatable {
    /// The event's offset in its partition of the events topic.
    public var offset: Int64
    public var itemID: String
    public var type: String
    public var timestampMilliseconds: Int64
    public var value: Double?
    /// Whether this was the user's first event with the item (distinct users).
    public var newUser: Bool
    public var category: String?
    /// The item's numeric attributes the event carried, by name.
    public var attributes: [String: Double]
    /// The user's recent items the owner paired the item with, in its order.
    public var paired: [String]

    public init(
        offset: Int64, itemID: String, type: String, timestampMilliseconds: Int64, value: Double? = nil,
        newUser: Bool, category: String? = nil, attributes: [String: Double] = [:], paired: [String] = []
    ) {
        self.offset = offset
        self.itemID = itemID
        self.type = type
        self.timestampMilliseconds = timestampMilliseconds
        self.value = value
        self.newUser = newUser
        self.category = category
        self.attributes = attributes
        self.paired = paired
    }

    /// The event as models that learn items from whole events see it, without its user.
    var itemEvent: Event {
        Event(
            userID: "", itemID: itemID, type: type, timestampMilliseconds: timestampMilliseconds, value: value)
    }
}
