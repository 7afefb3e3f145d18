import Foundation
import StreamRecCore
import StreamRecEngine
import StreamRecKafka
import StreamRecTestSupport
import Testing

/// The reliability scenarios: each fault is injected while events flow, and each
/// test asserts that nothing was lost and prints how long recovery took.
@Suite("Streaming engine under injected faults", .serialized, .timeLimit(.minutes(4)), .temporaryDirectories)
struct EngineFaultScenarioTests {
    @Test(
        "The leader of an events partition is down mid-stream: the engine stalls on it, recovers by itself, loses nothing",
        arguments: [10, 60])
    func leaderDown(seconds: Int) async throws {
        let scenario = try FaultScenario("leader-down-\(seconds)s")
        try await scenario.sendFirstHalf()
        let topic = scenario.configuration.topics.events
        let broker = try await scenario.cluster.leader(topic: topic, partition: 0)
        try scenario.cluster.setBrokerDown(broker)
        let sender = scenario.sendSecondHalf()
        try await Task.sleep(for: .seconds(seconds))
        #expect(
            scenario.running.engine.statistics.recordsConsumed < scenario.events.count,
            "records led by the down broker cannot be read yet")
        try scenario.cluster.setBrokerUp(broker)
        try await scenario.verify(recovery: scenario.recover(sender: sender))
    }

    @Test("Bursts of produce and fetch request errors: retried by the clients, nothing lost or duplicated")
    func requestErrorBursts() async throws {
        let scenario = try FaultScenario("request-errors")
        try await scenario.sendFirstHalf()
        let sender = scenario.sendSecondHalf()
        let retriable: [KafkaProtocolError] = [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas]
        for burst in 0..<5 {
            let errors = (0..<12).map { retriable[($0 + burst) % retriable.count] }
            scenario.cluster.pushRequestErrors(api: .produce, errors: errors)
            scenario.cluster.pushRequestErrors(api: .fetch, errors: errors)
            try await Task.sleep(for: .seconds(1))
        }
        scenario.cluster.clearRequestErrors(api: .produce)
        scenario.cluster.clearRequestErrors(api: .fetch)
        try await scenario.verify(recovery: scenario.recover(sender: sender))
    }

    @Test("A 200 ms round trip to every broker: slower, but the whole stream goes through under it")
    func slowNetwork() async throws {
        let scenario = try FaultScenario("rtt-200ms")
        try await scenario.sendFirstHalf()
        for broker in Int32(1)...3 { try scenario.cluster.setRoundTripTime(broker: broker, milliseconds: 200) }
        let started = ContinuousClock.now
        let sender = scenario.sendSecondHalf()
        try await sender.value
        let engine = scenario.running.engine
        #expect(await waitFor(timeout: .seconds(120)) { engine.statistics.recordsConsumed == scenario.events.count })
        let underDelay = ContinuousClock.now - started
        for broker in Int32(1)...3 { try scenario.cluster.setRoundTripTime(broker: broker, milliseconds: 0) }
        try await scenario.verify(
            recovery: .zero,
            under: "; the second half took \(underDelay.milliseconds) ms to send and apply under the delay")
    }

    @Test(
        "The state directory is full during checkpoints: consumption holds, the checkpoint on disk stays whole, all resumes when space returns"
    )
    func stateDirectoryFull() async throws {
        let scenario = try FaultScenario("state-full")
        try await scenario.sendFirstHalf()
        let store = CheckpointStore(directory: scenario.running.stateDirectory)
        let before = try #require(try store.load())
        // The checkpoint is written to this name first: pointed at /dev/full, every
        // write of it fails with ENOSPC, as on a full disk.
        // A checkpoint being written holds that name until its rename: the link
        // goes in once it is free (a writer opens the name, so it follows the link).
        let temporary = (scenario.running.stateDirectory as NSString).appendingPathComponent("checkpoint.tmp")
        #expect(
            await waitFor { symlink("/dev/full", temporary) == 0 },
            "checkpoint.tmp never free: \(String(cString: strerror(errno)))")
        // Some events, so that a checkpoint is due and fails; then the rest.
        let half = scenario.events.count / 2
        try await scenario.sendSecondHalf(half..<(half + 500)).value
        let engine = scenario.running.engine
        #expect(await waitFor { engine.statistics.phase == .held }, "a failed checkpoint holds consumption")
        let sender = scenario.sendSecondHalf((half + 500)..<scenario.events.count)
        #expect(engine.statistics.checkpointFailure?.contains("No space left on device") == true)
        let failures = engine.statistics.checkpointFailures
        let consumed = engine.statistics.recordsConsumed
        // Two more failed retries later, nothing more was taken.
        #expect(await waitFor { engine.statistics.checkpointFailures >= failures + 2 })
        #expect(engine.statistics.recordsConsumed == consumed, "nothing consumed while checkpoints fail")
        #expect(consumed < scenario.events.count)
        #expect(try store.load()?.eventsApplied == before.eventsApplied, "the checkpoint on disk is the last good one")

        try await sender.value
        try FileManager.default.removeItem(atPath: temporary)
        try await scenario.verify(recovery: scenario.recover(sender: sender))
        #expect(engine.statistics.checkpointFailure == nil)
    }
}
