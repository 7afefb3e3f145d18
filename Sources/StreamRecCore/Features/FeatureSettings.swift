/// How the feature store decays, bounds and windows what it keeps; the
/// `features` section of the configuration.
public struct FeatureSettings: Sendable, Equatable {
    /// Half-life of a user's interaction weight and category affinities.
    public var userHalfLifeHours = 168.0
    /// Half-life of item popularity ("popular").
    public var popularityHalfLifeHours = 168.0
    /// Half-life of co-occurrence weights and the item occurrence counts that
    /// normalize them. Far longer than popularity's: which items go together
    /// changes more slowly than which are in demand, and on every stream tuned
    /// (scripts/tune-defaults.py) remembering pairs for years ranked better than a month.
    public var cooccurrenceHalfLifeHours = 100_000.0
    /// Half-life of the short-term popularity that "trending" compares with it.
    public var trendingHalfLifeHours = 6.0
    /// Items kept in each user's recent-items list (distinct, newest first).
    public var recentItems = 10
    /// Items remembered as consumed per user, for excluding them from ranking;
    /// 0 remembers all of them (exclusion is then exact).
    public var consumedItems = 0
    /// Event types whose items may be recommended again: an item the user had
    /// only events of these types with (viewed, say, but never bought) is left
    /// out of their rankings only while it is among their last
    /// ``recommendAgainAfter`` distinct items. Items of any other type stay out
    /// for good. Empty: every consumed item stays out.
    public var recommendAgainTypes: [String] = []
    /// Distinct items the user must move on by before an item of
    /// ``recommendAgainTypes`` can come back; at most ``recentItems``.
    public var recommendAgainAfter = 3
    /// Categories tracked per user; beyond it the weakest is replaced.
    public var categoriesPerUser = 8
    /// Whether item co-occurrence is counted at all.
    public var cooccurrence = true
    /// How strongly a candidate's own occurrences discount its co-occurrence with an
    /// item: `C(i,j) / (N(i)^(1−d) · N(j)^d)`. 0.5 is cosine similarity; less lets
    /// popular candidates rank higher, more favours rare ones. Within 0…1.
    public var cooccurrenceDamping = 0.5
    /// How many of the user's most recent items each new interaction pairs with.
    public var cooccurrenceWindow = 5
    /// Weight of a pairing relative to the pairing with the next more recent item:
    /// items consumed close together in a user's history go together more than
    /// items far apart in it. 1 weighs the whole window alike.
    public var cooccurrencePairDecay = 1.0
    /// Whether an interaction's pairings (and its count in their normalization)
    /// weigh as its type does relative to the lightest type (a purchase pairs
    /// more strongly than a view), rather than all alike.
    public var cooccurrenceTypeWeights = false
    /// Items kept per item as those that followed it in users' histories
    /// (transitions, space-saving); 0 keeps none.
    public var successorCapacity = 0
    /// Neighbours served per item by `similar`.
    public var neighbours = 50
    /// Neighbour candidates kept per item (space-saving); twice `neighbours` by default.
    public var neighbourCapacity = 100
    /// Users held in memory by the engine; beyond it the least recently active
    /// move to its disk store (never dropped).
    public var maxUsers = 1_000_000
    /// Users with no event for this long (event time) move from memory to the
    /// engine's disk store; 0 keeps them in memory.
    public var userTTLHours = 720.0
    /// How far behind the newest event time an event may be and still count as on time.
    public var latenessMinutes = 60.0
    /// What happens to events later than that.
    public var lateEvents = LatePolicy.apply
    /// Numeric item attributes kept per item and standardized (e.g. `price`).
    public var numericAttributes = ["price"]

    public enum LatePolicy: String, Sendable, CaseIterable {
        /// Apply it as if on time (decays stay exact); count it as late.
        case apply
        /// Count it and leave the state unchanged.
        case drop
    }

    public init() {}

    /// ``lateEvents`` as the configuration file spells it.
    var lateEventsText: String {
        get { lateEvents.rawValue }
        set { lateEvents = LatePolicy(rawValue: newValue) ?? lateEvents }
    }

    /// ``numericAttributes`` as a comma-separated list.
    var numericAttributesText: String {
        get { numericAttributes.joined(separator: ",") }
        set {
            numericAttributes = Self.list(newValue)
        }
    }

    /// ``recommendAgainTypes`` as a comma-separated list.
    var recommendAgainText: String {
        get { recommendAgainTypes.joined(separator: ",") }
        set { recommendAgainTypes = Self.list(newValue) }
    }

    /// The names of a comma-separated list, blanks dropped.
    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
    }

    /// Problems with the combination of settings, for a fail-fast message;
    /// `eventTypes` are those the event schema knows.
    public func validate(eventTypes: [String]) throws(StreamRecError) {
        guard (0...recentItems).contains(recommendAgainAfter) else {
            throw StreamRecError.configuration(
                "features.recommend_again_after (\(recommendAgainAfter)) must be between 0 and features.recent_items (\(recentItems)): the store knows no further back"
            )
        }
        if let unknown = recommendAgainTypes.first(where: { !eventTypes.contains($0) }) {
            throw StreamRecError.configuration(
                "features.recommend_again names '\(unknown)', not an event type; the types are \(eventTypes.sorted().joined(separator: ", "))"
            )
        }
        guard cooccurrenceWindow <= recentItems else {
            throw StreamRecError.configuration(
                "features.cooccurrence_window (\(cooccurrenceWindow)) must not exceed features.recent_items (\(recentItems))"
            )
        }
        guard neighbourCapacity >= neighbours else {
            throw StreamRecError.configuration(
                "features.neighbour_capacity (\(neighbourCapacity)) must be at least features.neighbours (\(neighbours))"
            )
        }
    }
}
