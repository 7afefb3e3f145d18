import ArgumentParser
import Foundation
import StreamRecEngine
import StreamRecKafka

/// `streamrec forget`: erase users (the right to erasure).
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase users from the engine's state, its changelog and the recommendations topic.",
        discussion: """
            Sends one control record per user through the events topic, keyed by the user id, so \
            that it reaches the partition of the user's events and is applied in order with them, on \
            whichever instance owns the user. The engine then deletes the user from memory, from its \
            user store and from its next checkpoint, and writes a tombstone (null value) for the user \
            to the changelog and to the compacted recommendations topic. Events of the user that come \
            later start a new history. What the user added to item statistics (counts, popularity, \
            co-occurrence, item factors) stays: those are aggregates over many users.

            The record is partitioned by librdkafka's default partitioner, like events sent by \
            `streamrec produce` and `replay`. If your applications key events with another \
            partitioner (Java clients use murmur2), pass the same one: -X partitioner=murmur2_random.

            Example:
              streamrec forget --user u42
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("user"), help: ArgumentHelp("A user to erase; repeat for several.", valueName: "id"))
    var users: [String] = []

    func validate() throws {
        if users.isEmpty { throw ValidationError("name the user to erase with --user ID") }
        if users.contains(where: \.isEmpty) { throw ValidationError("--user needs a non-empty id") }
    }

    func run() async throws {
        let context = try CommandContext(global, label: "forget")
        let topic = context.configuration.topics.events
        let producer = try await context.producer(to: topic)
        for user in users {
            let report = try await producer.sendAndAwaitDelivery(ControlRecord.forgetting(user, topic: topic))
            print("\(report.topicPartition)@\(report.offset)  forget \(user)")
        }
        try await producer.close()
    }
}
