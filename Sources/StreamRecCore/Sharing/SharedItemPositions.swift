/// Where an instance's item state stands in the item side shared between
/// instances: checkpointed with the state, so that after a crash or restart each
/// shared event is applied once.
package struct SharedItemPositions: Sendable, Equatable {
    /// Per events partition, the offset below which every event's item side is in
    /// the state, learned here or applied from another instance's share.
    package var watermarks: [Int32: Int64] = [:]
    /// Per partition of the item topic, the next offset to read.
    package var positions: [Int32: Int64] = [:]
    /// Per events partition, how far the item factor deltas applied reach (a
    /// record reaching no further is one seen before, sent again).
    package var factorWatermarks: [Int32: Int64] = [:]

    package init(
        watermarks: [Int32: Int64] = [:], positions: [Int32: Int64] = [:], factorWatermarks: [Int32: Int64] = [:]
    ) {
        self.watermarks = watermarks
        self.positions = positions
        self.factorWatermarks = factorWatermarks
    }

    func write(to writer: inout BinaryWriter) {
        for map in [watermarks, positions, factorWatermarks] {
            let keys = map.keys.sorted()
            writer.write(block: keys)
            writer.write(block: keys.map { map[$0]! })
        }
    }

    init(reading reader: inout BinaryReader) throws(StreamRecError) {
        var maps: [[Int32: Int64]] = []
        for _ in 0..<3 {
            let keys: [Int32] = try reader.readBlock()
            let values: [Int64] = try reader.readBlock()
            guard keys.count == values.count else {
                throw StreamRecError.snapshot("inconsistent checkpoint: shared item positions differ in count")
            }
            maps.append(Dictionary(zip(keys, values), uniquingKeysWith: { $1 }))
        }
        watermarks = maps[0]
        positions = maps[1]
        factorWatermarks = maps[2]
    }
}
