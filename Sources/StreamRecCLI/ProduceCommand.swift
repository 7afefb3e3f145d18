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
            Every event is validated first, exactly as the engine will (the same checks and reason \
            codes on the same bytes); nothing is sent if one is invalid. Lines from standard input are \
            sent byte for byte as given, keyed by their user id. With --raw, lines are sent as they are \
            without validation (to try the dead-letter topic, say), keyed by --key if given. Prints \
            where each record went: topic[partition]@offset.

            Examples:
              streamrec produce --user u1 --item sku-9 --type add_to_cart
              streamrec produce --user u1 --item m42 --type rating --value 4.5 --timestamp 2024-05-01T12:00:00Z
              echo '{"user_id":"u1","item_id":"i1","type":"view","timestamp":1714564800000}' | streamrec produce
              echo 'not json' | streamrec produce --raw --key u1
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

    @Flag(help: "Send the lines of standard input as they are, without validation.")
    var raw = false

    @Option(help: "Key of every record sent with --raw (default: none).")
    var key: String?

    func validate() throws {
        if user == nil, item != nil || type != nil || value != nil || timestamp != nil || eventID != nil {
            throw ValidationError("--user is required with --item, --type, --value, --timestamp or --event-id")
        }
        if user != nil, item == nil { throw ValidationError("--item is required with --user") }
        if raw, user != nil { throw ValidationError("--raw sends standard input as it is: leave out --user") }
        if key != nil, !raw { throw ValidationError("--key goes with --raw; validated events are keyed by user id") }
        if let timestamp, ReplayCommand.time(timestamp) == nil {
            throw ValidationError("--timestamp expects an RFC 3339 time or epoch milliseconds, got '\(timestamp)'")
        }
    }

    func run() async throws {
        let context = try CommandContext(global, label: "produce")
        let schema = context.configuration.events
        let maxBytes = context.configuration.kafka.maxRecordBytes
        let records =
            user != nil ? [try recordFromFlags(schema)] : try recordsFromStandardInput(schema, maxBytes: maxBytes)
        guard !records.isEmpty else {
            throw CommandError.usage("no events on standard input (or pass --user, --item and --type)")
        }

        let topic = self.topic ?? context.configuration.topics.events
        let producer = try await context.producer(to: topic)
        for record in records {
            let report = try await producer.sendAndAwaitDelivery(
                KafkaProducerMessage(
                    topic: topic, key: record.key, value: record.value,
                    timestampMilliseconds: record.event?.timestampMilliseconds))
            let what = record.event.map { "\($0.userID) \($0.type) \($0.itemID)" } ?? "\(record.value.count) bytes"
            print("\(report.topicPartition)@\(report.offset)  \(what)")
        }
        try await producer.close()
    }

    /// A record to send: the bytes as they go out, and the event they hold when validated.
    private struct Record {
        var key: [UInt8]?
        var value: [UInt8]
        var event: Event?
    }

    private func recordFromFlags(_ schema: EventSchema) throws -> Record {
        let time = timestamp.flatMap(ReplayCommand.time) ?? Int64(Date().timeIntervalSince1970 * 1000)
        let event = Event(
            userID: user!, itemID: item!, type: type ?? "view", timestampMilliseconds: time, value: value,
            eventID: eventID)
        do {
            try schema.validate(event)
        } catch {
            throw CommandError.usage("invalid event: \(error)")
        }
        return Record(key: Array(event.userID.utf8), value: EventEncoder().encode(event), event: event)
    }

    /// Each line of standard input, as bytes: never decoded to text and back, so
    /// that what is validated is what is sent.
    private func recordsFromStandardInput(_ schema: EventSchema, maxBytes: Int) throws -> [Record] {
        let decoder = EventDecoder(schema: schema)
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        var records: [Record] = []
        for (index, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            guard line.count <= maxBytes else {
                throw CommandError.usage(
                    """
                    standard input line \(index + 1) is \(line.count) bytes, more than kafka.max_record_bytes \
                    (\(maxBytes)); Kafka brokers refuse such records by default (message.max.bytes), and the \
                    embedded broker would push out its partition's earlier records to keep it
                    """)
            }
            if raw {
                records.append(Record(key: key.map { Array($0.utf8) }, value: Array(line), event: nil))
                continue
            }
            do {
                let event = try decoder.decode(line)
                records.append(Record(key: Array(event.userID.utf8), value: Array(line), event: event))
            } catch {
                throw CommandError.usage("standard input line \(index + 1): \(error)")
            }
        }
        return records
    }
}
