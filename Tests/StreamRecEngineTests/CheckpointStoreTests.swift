import Foundation
import StreamRecTestSupport
import Testing

@testable import StreamRecCore
@testable import StreamRecEngine

@Suite("Checkpoints", .temporaryDirectories)
struct CheckpointStoreTests {
    func sample(events: Int64) -> EngineCheckpoint {
        var features = FeatureStore(schema: EventSchema(), settings: FeatureSettings())
        for event in generatedEvents(count: 200, users: 10, items: 30) { _ = features.apply(event) }
        return EngineCheckpoint(
            topic: "events", offsets: [0: 17, 3: 42], recordsConsumed: 59, eventsApplied: events,
            writtenAt: 1_750_000_000_000, modelName: "popularity", features: features.snapshot(), model: [1, 2, 3])
    }

    @Test("Write then load gives the same checkpoint; the previous one is kept")
    func roundTrip() throws {
        let store = CheckpointStore(directory: temporaryDirectory("ckpt"))
        #expect(try store.load() == nil)
        try store.write(sample(events: 1))
        try store.write(sample(events: 2))
        #expect(try store.load() == sample(events: 2))
        #expect(FileManager.default.fileExists(atPath: store.previousPath))
        #expect(!FileManager.default.fileExists(atPath: store.directory + "/checkpoint.tmp"))
    }

    @Test("Written in parts, a checkpoint is the same file as written whole, and reads back equal")
    func partsMakeTheSameFile() throws {
        let checkpoint = sample(events: 3)
        let parts = checkpoint.encodedParts()
        #expect(parts.count > 2, "the snapshots are parts of their own, not copied into one buffer")
        #expect(Array(parts.joined()) == checkpoint.encoded())
        let payload = Array(parts.dropFirst().dropLast().joined())
        let sealed = checkpoint.encoded() == SnapshotEnvelope.seal(kind: "CKPT", version: 3, payload: payload)
        #expect(sealed)

        let store = CheckpointStore(directory: temporaryDirectory("ckpt"))
        try store.write(parts: parts)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: store.path))) == checkpoint.encoded())
        #expect(try store.load() == checkpoint)
    }

    @Test("A crash between the two renames leaves the previous checkpoint, which is loaded")
    func fallsBackToPrevious() throws {
        let store = CheckpointStore(directory: temporaryDirectory("ckpt"))
        try store.write(sample(events: 1))
        try store.write(sample(events: 2))
        try FileManager.default.removeItem(atPath: store.path)
        #expect(try store.load() == sample(events: 1))
    }

    @Test("A flipped byte or a truncated file is an error naming the file, never a half-loaded state")
    func corruption() throws {
        let store = CheckpointStore(directory: temporaryDirectory("ckpt"))
        try store.write(sample(events: 1))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store.path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: store.path))
        let flipped = try #require(throws: EngineError.self) { try store.load() }
        #expect(flipped.message.contains(store.path))
        try Data(bytes.prefix(bytes.count / 3)).write(to: URL(fileURLWithPath: store.path))
        #expect(throws: EngineError.self) { try store.load() }
    }
}
