import Foundation
import Testing

@testable import StreamRecCore

@Suite("Feature store snapshots")
struct FeatureSnapshotTests {
    func populated(damping: Double = 0.3) -> FeatureStore {
        var settings = FeatureSettings()
        settings.maxUsers = 15
        settings.cooccurrenceDamping = damping
        var store = FeatureStore(schema: EventSchema(), settings: settings)
        for event in randomEvents(seed: 9, count: 2_000) { store.apply(event) }
        // Users moved out, so that the free lists are non-trivial.
        for user in store.usersToMoveOut(atMost: 100, keeping: { _ in false }) { store.removeUser(user) }
        return store
    }

    @Test("A snapshot restores an identical store, which then evolves identically")
    func roundTrip() throws {
        var original = populated()
        #expect(!original.users.free.isEmpty)
        let bytes = original.snapshot()
        var restored = try FeatureStore(snapshot: bytes)
        // Compared through a Bool: on failure the expectation would print both stores whole.
        let equalAfterRestore = restored == original
        #expect(equalAfterRestore)
        let deterministic = restored.snapshot() == bytes
        #expect(deterministic, "snapshots are deterministic")
        for event in randomEvents(seed: 10, count: 500) {
            original.apply(event)
            restored.apply(event)
        }
        let equalAfterMore = restored == original
        #expect(equalAfterMore)
        let sameBytes = restored.snapshot() == original.snapshot()
        #expect(sameBytes)
    }

    @Test("Records written as raw bytes have no padding, whose contents would be arbitrary")
    func noPadding() {
        #expect(MemoryLayout<UserFeatureTable.Record>.size == MemoryLayout<UserFeatureTable.Record>.stride)
        #expect(MemoryLayout<UserFeatureTable.Recent>.size == MemoryLayout<UserFeatureTable.Recent>.stride)
        #expect(MemoryLayout<UserFeatureTable.Affinity>.size == MemoryLayout<UserFeatureTable.Affinity>.stride)
        #expect(MemoryLayout<UserFeatureTable.Activity>.size == MemoryLayout<UserFeatureTable.Activity>.stride)
        #expect(MemoryLayout<ItemFeatureTable.Record>.size == MemoryLayout<ItemFeatureTable.Record>.stride)
        #expect(MemoryLayout<UserFeatureTable.Record>.size == 40 && MemoryLayout<ItemFeatureTable.Record>.size == 48)
    }

    @Test("An empty store round-trips too")
    func empty() throws {
        let store = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
        let equal = try FeatureStore(snapshot: store.snapshot()) == store
        #expect(equal)
    }

    @Test("Every flipped byte is detected")
    func corruption() throws {
        let bytes = populated().snapshot()
        for position in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) + [bytes.count - 1] {
            var damaged = bytes
            damaged[position] ^= 0x5A
            #expect(throws: StreamRecError.self, "byte \(position)") { _ = try FeatureStore(snapshot: damaged) }
        }
    }

    @Test("Every truncation is detected with a clear message")
    func truncation() throws {
        let bytes = populated().snapshot()
        for length in [0, 3, 10, 21, bytes.count / 2, bytes.count - 5, bytes.count - 1] {
            let error = try #require(throws: StreamRecError.self) {
                _ = try FeatureStore(snapshot: Array(bytes.prefix(length)))
            }
            #expect(
                error.message.contains("truncated") || error.message.contains("StreamRec snapshot"),
                "\(length): \(error)")
        }
        let error = try #require(throws: StreamRecError.self) { _ = try FeatureStore(snapshot: bytes + [0]) }
        #expect(error.message.contains("padded"))
    }

    @Test("A checksum-valid snapshot with inconsistent contents is refused, not trusted")
    func inconsistentPayload() throws {
        let bytes = populated().snapshot()
        let version = FeatureStore.snapshotVersion
        let payload = try SnapshotEnvelope.open(bytes, kind: "FEAT", version: version)
        // Cut the payload short and re-seal it with a valid checksum.
        let resealed = SnapshotEnvelope.seal(kind: "FEAT", version: version, payload: Array(payload.dropLast(40)))
        #expect(throws: StreamRecError.self) { _ = try FeatureStore(snapshot: resealed) }
        let wrongKind = SnapshotEnvelope.seal(kind: "MODL", version: version, payload: payload)
        let error = try #require(throws: StreamRecError.self) { _ = try FeatureStore(snapshot: wrongKind) }
        #expect(error.message.contains("'MODL'"))
    }

    @Test("A format-3 snapshot, written before the damping could be set, restores with cosine damping")
    func formatThree() throws {
        // A damping whose eight bytes occur nowhere else marks where format 4 added it.
        let damping = 0.123_456_789_012_345_67
        let store = populated(damping: damping)
        let payload = try SnapshotEnvelope.open(store.snapshot(), kind: "FEAT", version: FeatureStore.snapshotVersion)
        let marker = withUnsafeBytes(of: damping.bitPattern.littleEndian) { Array($0) }
        let at = try #require(
            (0...(payload.count - marker.count)).first { Array(payload[$0..<($0 + marker.count)]) == marker })
        let older = Array(payload[..<at] + payload[(at + marker.count)...])
        let restored = try FeatureStore(snapshot: SnapshotEnvelope.seal(kind: "FEAT", version: 3, payload: older))
        #expect(restored.settings.cooccurrenceDamping == 0.5)
        #expect(restored.items.count == store.items.count && restored.users.count == store.users.count)
        // It ranks as a store that was cosine all along.
        let cosine = populated(damping: 0.5)
        for item in store.popular(limit: 5).map(\.itemID) {
            #expect(restored.similar(to: item, limit: 10) == cosine.similar(to: item, limit: 10), "\(item)")
            #expect(restored.similar(to: item, limit: 10) != store.similar(to: item, limit: 10), "\(item)")
        }
    }

    @Test("The checksum is the standard CRC-32, so snapshots written before stay readable")
    func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        let whole = CRC32.checksum(Array("hello, world".utf8))
        #expect(CRC32.checksum(Array(", world".utf8), continuing: CRC32.checksum(Array("hello".utf8))) == whole)
    }
}
