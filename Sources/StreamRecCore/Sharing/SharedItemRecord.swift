/// One record of the item-state topic (`topics.items`): the item side of a run of
/// events of one events partition, in offset order, as one instance applied them.
///
/// Ids repeat (an event pairs its item with up to ten recent ones), so each record
/// lists its distinct strings once and events refer to them by index; indices,
/// offset steps, time steps and counts are varints, and a small whole value
/// (a rating) is one byte.
public struct SharedItemRecord: Sendable, Equatable {
    /// The events partition the events came from.
    public var partition: Int32
    /// The instance that learned them.
    public var origin: String
    /// The consumer group and events topic they belong to (`group/topic`): an
    /// item topic named by two deployments must not mix their items.
    public var scope: String
    /// Wall-clock time (epoch ms) the owner took the oldest of the events off Kafka,
    /// for the staleness of shared item state.
    public var takenAtMilliseconds: Int64
    public var events: [SharedItemEvent]

    public init(
        partition: Int32, origin: String, scope: String = "", takenAtMilliseconds: Int64, events: [SharedItemEvent]
    ) {
        self.partition = partition
        self.origin = origin
        self.scope = scope
        self.takenAtMilliseconds = takenAtMilliseconds
        self.events = events
    }

    /// The offset after the record's last event.
    public var end: Int64 { (events.last?.offset ?? -1) + 1 }

    static let magic: UInt32 = 0x5352_4953  // "SRIS"
    static let version: UInt8 = 1

    private struct Flags: OptionSet {
        let rawValue: UInt8
        static let newUser = Flags(rawValue: 1)
        static let value = Flags(rawValue: 2)
        static let category = Flags(rawValue: 4)
        /// The value is a whole number 0…255, in one byte.
        static let smallValue = Flags(rawValue: 8)
    }

    public func encoded() -> [UInt8] {
        var strings: [String] = []
        var index: [String: UInt32] = [:]
        func intern(_ text: String) -> UInt32 {
            if let known = index[text] { return known }
            let new = UInt32(strings.count)
            strings.append(text)
            index[text] = new
            return new
        }
        var body = BinaryWriter()
        body.reserveCapacity(events.count * 64)
        var previous = events.first?.offset ?? 0
        var previousTime = events.first?.timestampMilliseconds ?? 0
        body.write(previous)
        body.write(previousTime)
        body.writeVarint(UInt64(events.count))
        for event in events {
            // Offsets rise within a partition; event times mostly do.
            body.writeVarint(UInt64(max(0, event.offset - previous)))
            previous = event.offset
            body.writeVarint(signed: event.timestampMilliseconds &- previousTime)
            previousTime = event.timestampMilliseconds
            body.writeVarint(UInt64(intern(event.itemID)))
            body.writeVarint(UInt64(intern(event.type)))
            var flags: Flags = []
            if event.newUser { flags.insert(.newUser) }
            if let value = event.value {
                flags.insert(value >= 0 && value <= 255 && value.rounded() == value ? .smallValue : .value)
            }
            if event.category != nil { flags.insert(.category) }
            body.write(flags.rawValue)
            if let value = event.value {
                if flags.contains(.smallValue) { body.write(UInt8(value)) } else { body.write(value) }
            }
            if let category = event.category { body.writeVarint(UInt64(intern(category))) }
            body.writeVarint(UInt64(event.attributes.count))
            for (name, value) in event.attributes.sorted(by: { $0.key < $1.key }) {
                body.writeVarint(UInt64(intern(name)))
                body.write(value)
            }
            body.writeVarint(UInt64(event.paired.count))
            for other in event.paired { body.writeVarint(UInt64(intern(other))) }
        }
        var head = BinaryWriter()
        head.write(Self.magic)
        head.write(Self.version)
        head.write(partition)
        head.write(origin)
        head.write(scope)
        head.write(takenAtMilliseconds)
        head.write(strings)
        return head.bytes + body.bytes
    }

    /// Reads ``encoded()``; anything else throws, naming what is wrong.
    public init(decoding bytes: [UInt8]) throws(StreamRecError) {
        var reader = BinaryReader(bytes)
        guard try reader.read(UInt32.self) == Self.magic else {
            throw StreamRecError.snapshot("not a shared item record")
        }
        let version = try reader.read(UInt8.self)
        guard version == Self.version else {
            throw StreamRecError.snapshot("shared item record version \(version); this build reads \(Self.version)")
        }
        partition = try reader.read(Int32.self)
        origin = try reader.readString()
        scope = try reader.readString()
        takenAtMilliseconds = try reader.read(Int64.self)
        let strings = try reader.readStrings()
        func string(_ reader: inout BinaryReader) throws(StreamRecError) -> String {
            let k = try reader.readVarint() as UInt64
            guard k < strings.count else {
                throw StreamRecError.snapshot("shared item record refers to string \(k) of \(strings.count)")
            }
            return strings[Int(k)]
        }
        func entries(_ reader: inout BinaryReader) throws(StreamRecError) -> Int {
            let count = try reader.readVarint() as UInt64
            guard count <= UInt64(reader.remaining) else {
                throw StreamRecError.snapshot(
                    "shared item record announces \(count) entries in \(reader.remaining) bytes")
            }
            return Int(count)
        }
        var offset = try reader.read(Int64.self)
        guard offset >= 0 else { throw StreamRecError.snapshot("shared item record starts at offset \(offset)") }
        var time = try reader.read(Int64.self)
        let count = try entries(&reader)
        guard count <= reader.remaining / 5 else {
            throw StreamRecError.snapshot("shared item record announces \(count) events in \(reader.remaining) bytes")
        }
        var events: [SharedItemEvent] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let step = try reader.readVarint() as UInt64
            guard step <= UInt64(Int64.max - offset) else {
                throw StreamRecError.snapshot("shared item record offset overflows")
            }
            offset += Int64(step)
            time &+= try reader.readVarint(signed: ())
            let item = try string(&reader)
            let type = try string(&reader)
            let flags = Flags(rawValue: try reader.read(UInt8.self))
            let value: Double? =
                flags.contains(.smallValue)
                ? Double(try reader.read(UInt8.self)) : flags.contains(.value) ? try reader.readDouble() : nil
            let category = flags.contains(.category) ? try string(&reader) : nil
            var attributes: [String: Double] = [:]
            for _ in 0..<(try entries(&reader)) {
                let name = try string(&reader)
                attributes[name] = try reader.readDouble()
            }
            var paired: [String] = []
            let pairs = try entries(&reader)
            paired.reserveCapacity(pairs)
            for _ in 0..<pairs { paired.append(try string(&reader)) }
            events.append(
                SharedItemEvent(
                    offset: offset, itemID: item, type: type, timestampMilliseconds: time, value: value,
                    newUser: flags.contains(.newUser), category: category, attributes: attributes, paired: paired))
        }
        guard reader.remaining == 0 else { throw StreamRecError.snapshot("shared item record has trailing bytes") }
        self.events = events
    }
}
