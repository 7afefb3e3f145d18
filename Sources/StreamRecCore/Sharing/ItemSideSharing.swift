/// How a batch's item side is shared while the batch is learned: which events'
/// item side the state holds already (it came from another instance first), and
/// the log of the item side of the others, for publishing.
public struct ItemSideSharing: Sendable {
    /// Per event of the batch, true when its item side must not be applied again;
    /// empty when every event's item side is new.
    public var skip: [Bool]
    /// The item side of each event applied, in order; nil when nothing is logged.
    public var log: ItemSideLog?

    /// Nothing skipped; logged when `logging`.
    public init(skip: [Bool] = [], logging: Bool) {
        self.skip = skip
        log = logging ? ItemSideLog() : nil
    }

    @inline(__always)
    func skips(_ index: Int) -> Bool { !skip.isEmpty && skip[index] }
}

/// The item side of the events a feature store applied, by event index and item
/// row: ids are looked up once, when the log becomes ``SharedItemEvent``s.
public struct ItemSideLog: Sendable {
    struct Entry: Sendable {
        var event: Int32
        var newUser: Bool
        var pairedStart: Int32
        var pairedCount: Int32
    }

    var entries: [Entry] = []
    /// The paired item rows of every entry, one after another.
    var paired: [Int32] = []

    public var count: Int { entries.count }

    /// The batch index of each logged event, in order.
    public var eventIndices: [Int] { entries.map { Int($0.event) } }

    @inline(__always)
    mutating func begin(event: Int, newUser: Bool) {
        entries.append(Entry(event: Int32(event), newUser: newUser, pairedStart: Int32(paired.count), pairedCount: 0))
    }

    @inline(__always)
    mutating func pair(_ row: Int32) {
        paired.append(row)
        entries[entries.count - 1].pairedCount += 1
    }
}
