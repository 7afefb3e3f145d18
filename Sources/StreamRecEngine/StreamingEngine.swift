import Foundation
import Logging
import ServiceLifecycle
import StreamRecCore
import StreamRecKafka
import Synchronization

/// The product: consumes events, applies them to the feature store and the model
/// in partition-offset order, publishes refreshed recommendations, and checkpoints
/// state together with offsets so that a restart, even after `kill -9`, applies
/// every event exactly once.
///
/// This is the handle; the work is done by a processing loop that owns the state
/// on one thread of its own. Run it as a `Service` in a `ServiceGroup` (graceful
/// shutdown asks it to finish), or call ``runSync()`` on a thread you own. From
/// any thread, ``requestStop()`` asks it to finish and ``statistics`` reads its
/// counters.
///
/// ```swift
/// let engine = try StreamingEngine(configuration: configuration, consumer: consumer,
///                                  producer: producer, options: .init(stateDirectory: "state"))
/// let group = ServiceGroup(services: [engine], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
package final class StreamingEngine: Service, Sendable {
    /// Choices of one run, beyond the configuration.
    package struct Options: Sendable {
        /// Where checkpoints live (`state.directory`).
        package var stateDirectory: String
        /// Discard the checkpoint and rebuild state from the log (from `resetTo`,
        /// earliest unless given).
        package var fresh = false
        /// Where partitions the state knows nothing of start, instead of the
        /// committed offsets. Needs an empty state directory or `fresh`.
        package var resetTo: ResetPosition?

        package init(stateDirectory: String, fresh: Bool = false, resetTo: ResetPosition? = nil) {
            self.stateDirectory = stateDirectory
            self.fresh = fresh
            self.resetTo = resetTo
        }
    }

    /// What the run started from, for people: a restored checkpoint, or empty state.
    package let origin: String
    let control = EngineControl()
    private let ingestor: EventIngestor
    /// The loop until a run takes it: it runs once, on the thread that took it.
    private let pendingLoop: Mutex<UnsafeTransfer<EngineLoop>?>
    /// The loop for reads of its state, until its run ends (then it lets go of
    /// the state directory): reached only inside ``EngineControl/gate``'s read
    /// lock, or in work handed to its thread (`StreamingEngine+Reads.swift`).
    let readableLoop: Mutex<UnsafeTransfer<EngineLoop>?>

    /// Restores or creates the state and connects; fails on unreadable state, a
    /// state directory that does not match the configuration, or a client that
    /// cannot be created.
    package init(
        configuration: StreamRecConfiguration,
        consumer: KafkaConsumerConfiguration,
        producer: KafkaProducerConfiguration,
        options: Options,
        logger: Logger = Logger(label: "streamrec.engine")
    ) throws {
        let loop = try EngineLoop(
            configuration: configuration, consumer: consumer,
            producer: Self.outputProducer(producer), options: options,
            control: control, logger: logger)
        origin = loop.origin
        ingestor = loop.ingestor
        // Handed over whole: besides the run, only reads under the gate reach it.
        pendingLoop = Mutex(UnsafeTransfer(loop))
        readableLoop = Mutex(UnsafeTransfer(loop))
    }

    /// The engine's producer (updates and dead letters): room for the largest
    /// record a consumer accepts, and no delivery timeout. A message that times
    /// out is dropped by librdkafka, and the state would then be checkpointed past
    /// an update nobody received; without a timeout, an outage of any length fills
    /// the queue, consumption pauses (backpressure) and resumes when the broker is
    /// back. Properties the user set (`-X message.timeout.ms=…`) still win.
    static func outputProducer(_ configuration: KafkaProducerConfiguration) -> KafkaProducerConfiguration {
        var configuration = configuration
        configuration.maxRecordBytes = EventIngestor.largestConsumedRecord
        configuration.messageTimeoutMilliseconds = 0
        return configuration
    }

    /// Counters so far; safe from any thread.
    package var statistics: EngineStatistics {
        var snapshot = control.published.withLock { $0 }
        snapshot.rejected = ingestor.rejected
        return snapshot
    }

    /// Asks the run to finish: it completes the batch in hand, publishes pending
    /// refreshes, checkpoints, commits and closes.
    package func requestStop() {
        control.stopRequested.store(true, ordering: .relaxed)
    }

    /// Processes until ``requestStop()``, then shuts down cleanly. Blocks the
    /// calling thread; throws on a fatal Kafka or state error. An engine runs once.
    package func runSync() throws {
        guard let loop = pendingLoop.withLock({ $0.take() }) else {
            throw EngineError("the engine has already run: create a new StreamingEngine to run again", code: .lifecycle)
        }
        defer { readableLoop.withLock { $0 = nil } }
        try loop.wrappedValue.run()
    }

    /// ``runSync()`` on a thread of its own, stopped by graceful shutdown or by
    /// cancellation of the calling task.
    package func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await runOnDedicatedThread()
            } onCancel: {
                requestStop()
            }
        } onGracefulShutdown: {
            self.requestStop()
        }
    }

    private func runOnDedicatedThread() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread { [self] in
                continuation.resume(with: Result { try runSync() })
            }
            thread.name = "streamrec-engine"
            thread.start()
        }
    }
}
