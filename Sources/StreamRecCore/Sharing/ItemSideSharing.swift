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

    /// The sharing of the events `range` of the batch, for learning them on their own.
    func piece(_ range: Range<Int>) -> ItemSideSharing {
        ItemSideSharing(skip: skip.isEmpty ? [] : Array(skip[range]), logging: log != nil)
    }

    /// Adds what `piece` logged, its events starting at `start` in this batch.
    mutating func absorb(_ piece: ItemSideSharing, startingAt start: Int) {
        guard let logged = piece.log else { return }
        log?.append(logged, eventOffset: start)
    }
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

    mutating func append(_ other: ItemSideLog, eventOffset: Int) {
        let pairedOffset = Int32(paired.count)
        entries += other.entries.map {
            Entry(
                event: $0.event + Int32(eventOffset), newUser: $0.newUser, pairedStart: $0.pairedStart + pairedOffset,
                pairedCount: $0.pairedCount)
        }
        paired += other.paired
    }

    @inline(__always)
    mutating func pair(_ row: Int32) {
        paired.append(row)
        entries[entries.count - 1].pairedCount += 1
    }
}
