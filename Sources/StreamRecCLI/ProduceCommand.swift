import ArgumentParser
import Foundation
import StreamRecCore
import StreamRecKafka

/// `streamrec produce`: send events by hand.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Send one event given as flags, or Event v1 JSON lines from standard input.",
        discussion: """
            Every event is validated first, exactly as the engine will; nothing is sent if one is \
            invalid. Prints where each event went: topic[partition]@offset.

            Examples:
              streamrec produce --user u1 --item sku-9 --type add_to_cart
              streamrec produce --user u1 --item m42 --type rating --value 4.5 --timestamp 2024-05-01T12:00:00Z
              echo '{"user_id":"u1","item_id":"i1","type":"view","timestamp":1714564800000}' | streamrec produce
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "User id (with --item and --type); without it, events are read from standard input.")
    var user: String?

    @Option(help: "Item id.")
    var item: String?

    @Option(help: "Event type, one of events.types (default: view).")
    var type: String?

    @Option(help: "Rating (required for rating events) or weight.")
    var value: Double?

    @Option(help: ArgumentHelp("Event time, RFC 3339 or epoch ms (default: now).", valueName: "time"))
    var timestamp: String?

    @Option(name: .customLong("event-id"), help: "The event's own id.")
    var eventID: String?

    @Option(help: "Topic (default: topics.events).")
    var topic: String?

    func validate() throws {
        if user == nil, item != nil || type != nil || value != nil || timestamp != nil || eventID != nil {
            throw ValidationError("--user is required with --item, --type, --value, --timestamp or --event-id")
        }
        if user != nil, item == nil { throw ValidationError("--item is required with --user") }
        if let timestamp, ReplayCommand.time(timestamp) == nil {
            throw ValidationError("--timestamp expects an RFC 3339 time or epoch milliseconds, got '\(timestamp)'")
        }
    }

    func run() async throws {
        let context = try CommandContext(global, label: "produce")
        let schema = context.configuration.events
        let events = user != nil ? [try eventFromFlags(schema)] : try eventsFromStandardInput(schema)
        guard !events.isEmpty else {
            throw CommandError.usage("no events on standard input (or pass --user, --item and --type)")
        }

        let topic = self.topic ?? context.configuration.topics.events
        let (_, metadata) = try await context.connectedAdmin()
        guard metadata.topic(named: topic) != nil else {
            throw KafkaError(
                .topicOperationFailed, "topic '\(topic)' does not exist; create it with `streamrec topics apply`")
        }
        let producer = try KafkaProducer(configuration: context.producerConfiguration(), logger: context.logger)
        let encoder = EventEncoder()
        for event in events {
            let report = try await producer.sendAndAwaitDelivery(
                KafkaProducerMessage(
                    topic: topic, key: Array(event.userID.utf8), value: encoder.encode(event),
                    timestampMilliseconds: event.timestampMilliseconds))
            print("\(report.topicPartition)@\(report.offset)  \(event.userID) \(event.type) \(event.itemID)")
        }
        try await producer.close()
    }

    private func eventFromFlags(_ schema: EventSchema) throws -> Event {
        let time = timestamp.flatMap(ReplayCommand.time) ?? Int64(Date().timeIntervalSince1970 * 1000)
        let event = Event(
            userID: user!, itemID: item!, type: type ?? "view", timestampMilliseconds: time, value: value,
            eventID: eventID)
        do {
            try schema.validate(event)
        } catch {
            throw CommandError.usage("invalid event: \(error)")
        }
        return event
    }

    private func eventsFromStandardInput(_ schema: EventSchema) throws -> [Event] {
        let decoder = EventDecoder(schema: schema)
        var events: [Event] = []
        var number = 0
        while let line = readLine() {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            do {
                events.append(try decoder.decode(line))
            } catch {
                throw CommandError.usage("standard input line \(number): \(error)")
            }
        }
        return events
    }
}
