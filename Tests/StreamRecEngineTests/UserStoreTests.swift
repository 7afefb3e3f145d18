import Foundation
import StreamRecTestSupport
import Testing

@testable import StreamRecEngine

@Suite("The user store and its generations", .temporaryDirectories)
struct UserStoreTests {
    func key(_ user: String, _ partition: Int32 = 0) -> UserStore.Key { .init(partition: partition, user: user) }

    /// An export as the store takes it, with the time of the user's last event.
    func v(_ bytes: [UInt8], lastSeen: Int64 = 0) -> (bytes: [UInt8], lastSeen: Int64)? { (bytes, lastSeen) }

    @Test("Writes after the checkpoint's generation are undone on reopening; those up to it stay")
    func rollBack() throws {
        let directory = temporaryDirectory("users")
        do {
            let store = try UserStore(directory: directory, checkpointGeneration: 0, fresh: false)
            try store.write([(key("a"), v([1])), (key("b"), v([2]))])
            let first = try store.endGeneration()
            #expect(first == 1)
            try store.checkpointed(first)
            // After checkpoint 1: a changes twice, b is deleted, c appears; then a crash.
            try store.write([(key("a"), v([10])), (key("b"), nil), (key("c", 3), v([30]))])
            try store.write([(key("a"), v([11]))])
        }
        let reopened = try UserStore(directory: directory, checkpointGeneration: 1, fresh: false)
        #expect(reopened.rolledBack == 3)
        #expect(try reopened.get(key("a")) == [1])
        #expect(try reopened.get(key("b")) == [2])
        #expect(try reopened.get(key("c", 3)) == nil)
        #expect(reopened.generation == 2)
    }

    @Test("A generation ended but whose checkpoint never became durable is undone too")
    func endedButNotCheckpointed() throws {
        let directory = temporaryDirectory("users")
        do {
            let store = try UserStore(directory: directory, checkpointGeneration: 0, fresh: false)
            try store.write([(key("a"), v([1]))])
            try store.checkpointed(try store.endGeneration())
            try store.write([(key("a"), v([2]))])
            _ = try store.endGeneration()  // generation 2 ended; its checkpoint file never written
            try store.write([(key("a"), v([3]))])
        }
        let reopened = try UserStore(directory: directory, checkpointGeneration: 1, fresh: false)
        #expect(try reopened.get(key("a")) == [1])
    }

    @Test("A read-only view sees the store as of the checkpoint, while the writer's changes stay")
    func readOnlyView() throws {
        let directory = temporaryDirectory("users")
        let store = try UserStore(directory: directory, checkpointGeneration: 0, fresh: false)
        try store.write([(key("a"), v([1])), (key("b", 1), v([2]))])
        try store.checkpointed(try store.endGeneration())
        try store.write([(key("a"), v([5])), (key("c"), v([6]))])
        let view = try #require(try UserStore(readingDirectory: directory, checkpointGeneration: 1))
        #expect(try view.get(key("a")) == [1])
        #expect(try view.get(key("c")) == nil)
        var seen: [UserStore.Key] = []
        try view.forEachUser { seen.append($0) }
        #expect(Set(seen) == [key("a"), key("b", 1)])
        #expect(try store.get(key("a")) == [5])
    }

    @Test("Dropping a partition deletes its users only; a damaged value is reported with the user and the path")
    func dropAndDamage() throws {
        let directory = temporaryDirectory("users")
        let store = try UserStore(directory: directory, checkpointGeneration: 0, fresh: false)
        try store.write([(key("a", 0), v([1])), (key("b", 1), v([2])), (key("c", 1), v([3]))])
        try store.dropPartition(1)
        var left: [UserStore.Key] = []
        try store.forEachUser { left.append($0) }
        #expect(left == [key("a", 0)])
        #expect(throws: EngineError.self) { try UserStore.open([1, 2, 3, 4, 5], user: "a", path: "p") }
    }

    @Test("The users whose last event is older than a time are found without reading their exports")
    func lastSeen() throws {
        let store = try UserStore(directory: temporaryDirectory("users"), checkpointGeneration: 0, fresh: false)
        try store.write([
            (key("old"), v([1], lastSeen: 1_000)), (key("new", 2), v([2], lastSeen: 5_000)),
            (key("older", 1), v([3], lastSeen: -7)),
        ])
        #expect(Set(try store.users(lastSeenBefore: 2_000)) == [key("old"), key("older", 1)])
        #expect(try store.get(key("new", 2)) == [2])
    }

    @Test("A store older than the checkpoint, or missing when the checkpoint needs it, is refused with the fix")
    func mismatch() throws {
        let directory = temporaryDirectory("users")
        #expect(throws: EngineError.self) {
            _ = try UserStore(directory: directory, checkpointGeneration: 4, fresh: false)
        }
        try UserStore(directory: directory, checkpointGeneration: 0, fresh: false).write([(key("a"), v([1]))])
        #expect(throws: EngineError.self, "a store of generation 1 under a checkpoint of 4") {
            _ = try UserStore(directory: directory, checkpointGeneration: 4, fresh: false)
        }
        let fresh = try UserStore(directory: directory, checkpointGeneration: 0, fresh: true)
        #expect(try fresh.get(key("a")) == nil, "--fresh discards the store")
    }
}
