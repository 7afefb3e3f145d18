/// How much one item's factor row and bias moved on one instance since it last
/// shared them: the sum of its learning steps, which other instances add to theirs.
public struct ItemFactorDelta: Sendable, Equatable {
    public var itemID: String
    public var factors: [Float]
    public var bias: Float

    public init(itemID: String, factors: [Float], bias: Float) {
        self.itemID = itemID
        self.factors = factors
        self.bias = bias
    }
}

/// A record of the item topic holding item factor deltas (``ItemFactorDelta``)
/// learned by one instance from its users' events up to `upTo` (the next offset
/// of each events partition they cover).
///
/// Factor deltas travel as half-precision floats (biases as single): they are
/// most of the topic's bytes, and a delta's own rounding (three significant
/// digits) is far below the noise of the steps it sums.
public struct SharedFactorRecord: Sendable, Equatable {
    public var origin: String
    /// As ``SharedItemRecord/scope``.
    public var scope: String
    public var upTo: [Int32: Int64]
    public var takenAtMilliseconds: Int64
    public var deltas: [ItemFactorDelta]

    public init(
        origin: String, scope: String = "", upTo: [Int32: Int64], takenAtMilliseconds: Int64,
        deltas: [ItemFactorDelta]
    ) {
        self.origin = origin
        self.scope = scope
        self.upTo = upTo
        self.takenAtMilliseconds = takenAtMilliseconds
        self.deltas = deltas
    }

    static let magic: UInt32 = 0x5352_4946  // "SRIF"
    static let version: UInt8 = 1

    /// Whether `bytes` are a factor record rather than a ``SharedItemRecord``.
    public static func isFactorRecord(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count >= 4 && Array(bytes.prefix(4)) == withUnsafeBytes(of: magic.littleEndian, Array.init)
    }

    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        let factors = deltas.first?.factors.count ?? 0
        writer.reserveCapacity(64 + deltas.count * (24 + 4 * factors))
        writer.write(Self.magic)
        writer.write(Self.version)
        writer.write(origin)
        writer.write(scope)
        writer.write(takenAtMilliseconds)
        let partitions = upTo.keys.sorted()
        writer.write(block: partitions)
        writer.write(block: partitions.map { upTo[$0]! })
        writer.write(deltas.map(\.itemID))
        writer.write(UInt32(factors))
        writer.write(block: deltas.map(\.bias))
        writer.write(
            block: deltas.flatMap { delta in
                delta.factors.count == factors ? delta.factors.map(Float16.init) : Array(repeating: 0, count: factors)
            })
        return writer.bytes
    }

    public init(decoding bytes: [UInt8]) throws(StreamRecError) {
        var reader = BinaryReader(bytes)
        guard try reader.read(UInt32.self) == Self.magic else { throw StreamRecError.snapshot("not a factor record") }
        let version = try reader.read(UInt8.self)
        guard version == Self.version else {
            throw StreamRecError.snapshot("factor record version \(version); this build reads \(Self.version)")
        }
        origin = try reader.readString()
        scope = try reader.readString()
        takenAtMilliseconds = try reader.read(Int64.self)
        let partitions: [Int32] = try reader.readBlock()
        let ends: [Int64] = try reader.readBlock()
        let items = try reader.readStrings()
        let factors = Int(try reader.read(UInt32.self))
        let biases: [Float] = try reader.readBlock()
        let values: [Float16] = try reader.readBlock()
        guard partitions.count == ends.count, biases.count == items.count, values.count == items.count * factors,
            reader.remaining == 0
        else { throw StreamRecError.snapshot("inconsistent factor record") }
        upTo = Dictionary(zip(partitions, ends), uniquingKeysWith: { $1 })
        deltas = items.indices.map { k in
            ItemFactorDelta(
                itemID: items[k], factors: values[(k * factors)..<((k + 1) * factors)].map(Float.init), bias: biases[k])
        }
    }
}
