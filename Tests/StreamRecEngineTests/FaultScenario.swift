import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// One fault injected into a running engine on its own embedded cluster, and
/// what it cost: the stream is sent in two halves, the fault is on while the
/// second goes out, and afterwards every event must be applied exactly once and
/// every published update delivered.
struct FaultScenario {
    let name: String
    let cluster: EmbeddedKafkaCluster
    let configuration: StreamRecConfiguration
    let events: [Event]
    let running: RunningEngine

    init(
        _ name: String, events count: Int = 12_000, configure: (inout StreamRecConfiguration) -> Void = { _ in }
    )
        throws
    {
        self.name = name
        cluster = try EmbeddedKafkaCluster(brokers: 3, logger: testLogger)
        var configuration = engineConfiguration(prefix: name, model: "bpr")
        configure(&configuration)
        self.configuration = configuration
        try createTopics(of: configuration, on: cluster)
        events = generatedEvents(count: count, users: 400, items: 300, seed: 5)
        running = try RunningEngine(
            cluster: cluster, configuration: configuration, stateDirectory: temporaryDirectory(name))
    }

    /// Sends the first half and waits until the engine has it and has checkpointed it.
    func sendFirstHalf() async throws {
        let half = events.count / 2
        try await produce(Array(events[..<half]), to: configuration.topics.events, cluster: cluster)
        #expect(await running.waitForRecords(half), "\(name): the first half before the fault")
        let checkpointed = await waitFor { running.engine.statistics.checkpoints >= 1 }
        #expect(checkpointed, "\(name): a checkpoint before the fault")
    }

    /// Starts sending the second half, or the part of it in `range`; records wait
    /// for an unreachable leader as long as it takes.
    func sendSecondHalf(_ range: Range<Int>? = nil) -> Task<Void, any Error> {
        let range = range ?? (events.count / 2)..<events.count
        let (events, topic, cluster) = (Array(events[range]), configuration.topics.events, cluster)
        return Task { try await produce(events, to: topic, cluster: cluster, deliveryTimeoutMilliseconds: 0) }
    }

    /// Waits for every event once the fault is cleared, and returns how long that took.
    func recover(sender: Task<Void, any Error>) async throws -> Duration {
        let cleared = ContinuousClock.now
        try await sender.value
        #expect(await running.waitForRecords(events.count, timeout: .seconds(150)), "\(name): recovered by itself")
        return ContinuousClock.now - cleared
    }

    /// Stops the engine and checks that nothing was lost or applied twice; prints
    /// the scenario's figures.
    func verify(recovery: Duration, under fault: String = "") async throws {
        try await running.stop()
        let statistics = running.engine.statistics
        #expect(statistics.recordsConsumed == events.count, "\(name)")
        let checkpoint = try #require(try CheckpointStore(directory: running.stateDirectory).load())
        #expect(checkpoint.eventsApplied == Int64(events.count), "\(name): nothing lost, nothing applied twice")
        DirectCounts(events).expectEqual(to: try FeatureStore(snapshot: checkpoint.features))
        let published = statistics.recommendationsPublished
        let updates = try await readAll(configuration.topics.recommendations, from: cluster) {
            $0.count >= published
        }
        #expect(updates.count == published, "\(name): every published update arrived, once")
        print(
            """
            fault scenario \(name): \(events.count) events, lost \(events.count - Int(checkpoint.eventsApplied)), \
            updates \(published) published / \(updates.count) delivered, recovered \
            \(recovery.milliseconds) ms after the fault was cleared\(fault)
            """)
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func waitFor(timeout: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
