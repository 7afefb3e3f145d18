import StreamRecCore

/// Every decoder of bytes from outside the process: what arrives from Kafka, what
/// is read from log files, and what is read back from disk or from other instances.
extension FuzzTarget {
    package static let all: [FuzzTarget] = [
        FuzzTarget(
            "event", "Event v1 JSON from the events topic (one-pass scanner, then the full parser)",
            seeds: { sampleEvents.map { EventEncoder().encode($0) } + handWrittenEvents },
            decode: { bytes in (try? EventDecoder().decode(bytes)) != nil }),
        FuzzTarget(
            "jsonl", "a line of a JSON Lines log (`streamrec replay`)",
            seeds: { sampleEvents.map { EventEncoder().encode($0) } + handWrittenEvents },
            decode: { bytes in
                var parser = JSONLinesParser(schema: EventSchema())
                return parse(bytes, with: &parser)
            }),
        FuzzTarget(
            "csv", "a line of a CSV log with mapped columns",
            seeds: {
                ["u1,i1,1700000000,view,", "u2,sku-9,1700000123456,rating,4.5", "\"u,3\",i\"\"2,1700000000,purchase,2"]
                    .map { Array($0.utf8) }
            },
            decode: { bytes in
                guard
                    var parser = try? CSVParser(
                        mapping: CSVMapping(map: "user=u,item=i,timestamp=t,type=e,value=v"), schema: EventSchema(),
                        columns: ["u", "i", "t", "e", "v"])
                else { return false }
                return parse(bytes, with: &parser)
            }),
        FuzzTarget(
            "movielens", "a line of MovieLens u.data and ratings.dat",
            seeds: { ["196\t242\t3\t881250949", "1::1193::5::978300760", "22\t377\t1\t878887116"].map { Array($0.utf8) } },
            decode: { bytes in
                var tabs = MovieLensParser(format: .movielens100k, schema: EventSchema())
                var colons = MovieLensParser(format: .movielens1m, schema: EventSchema())
                let first = parse(bytes, with: &tabs)
                return parse(bytes, with: &colons) || first
            }),
        FuzzTarget(
            "recommendation", "Recommendation v1 JSON (`streamrec watch`, `serve`)",
            seeds: {
                [
                    Recommendation(
                        userID: "u1", items: [.init(itemID: "i1", score: 0.5), .init(itemID: "é\"", score: -1e300)],
                        model: "hybrid", generatedAt: 1_764_000_000_000,
                        basedOn: .init(partition: 3, offset: 42, eventTime: 1_700_000_000_000)
                    ).encoded()
                ]
            },
            decode: { bytes in (try? Recommendation(decoding: bytes)) != nil }),
        FuzzTarget(
            "checkpoint", "the engine's checkpoint file, behind its checksum",
            seeds: { [payload(of: sampleCheckpoint)] },
            prepare: { SnapshotEnvelope.seal(kind: "CKPT", version: 3, payload: $0) },
            decode: { bytes in (try? EngineCheckpoint(decoding: bytes)) != nil }),
        FuzzTarget(
            "snapshot", "the hybrid model's snapshot (feature store, factors, popularity), behind its checksum",
            seeds: { [payload(of: sampleModel.snapshot())] },
            prepare: { resealed($0, like: sampleModel.snapshot()) },
            decode: { bytes in
                (try? ModelCatalog.restore(
                    "hybrid", snapshot: bytes, schema: EventSchema(), features: sampleFeatures,
                    settings: sampleSettings)) != nil
            }),
        FuzzTarget(
            "shared-items", "item records of the item topic, from other instances",
            seeds: { sampleSharedRecords.map { $0.encoded() } },
            decode: { bytes in (try? SharedItemRecord(decoding: bytes)) != nil }),
        FuzzTarget(
            "shared-factors", "factor delta records of the item topic, from other instances",
            seeds: {
                [
                    SharedFactorRecord(
                        origin: "a", scope: "g/t", upTo: [0: 10, 5: 99], takenAtMilliseconds: 1,
                        deltas: [.init(itemID: "i1", factors: [0.5, -1, 2], bias: 0.25)]
                    ).encoded()
                ]
            },
            decode: { bytes in (try? SharedFactorRecord(decoding: bytes)) != nil }),
    ]

    package static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

private func parse<Parser: LineParser>(_ bytes: [UInt8], with parser: inout Parser) -> Bool {
    bytes.withUnsafeBytes { raw in (try? parser.parseLine(raw)) != nil }
}

/// The replay parsers, as the fuzzer drives them.
private protocol LineParser {
    mutating func parseLine(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event?
}

extension JSONLinesParser: LineParser {
    fileprivate mutating func parseLine(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event? {
        try parse(line)
    }
}

extension CSVParser: LineParser {
    fileprivate mutating func parseLine(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event? {
        try parse(line)
    }
}

extension MovieLensParser: LineParser {
    fileprivate mutating func parseLine(_ line: UnsafeRawBufferPointer) throws(LogLineError) -> Event? {
        try parse(line)
    }
}

/// A snapshot's payload: what the decoder behind the checksum reads.
private func payload(of sealed: [UInt8]) -> [UInt8] {
    Array(sealed.dropFirst(SnapshotEnvelope.headerSize).dropLast(4))
}

/// `payload` sealed with the kind and version of `sample`.
private func resealed(_ payload: [UInt8], like sample: [UInt8]) -> [UInt8] {
    let kind = String(decoding: sample[4..<8], as: UTF8.self)
    let version = UInt16(sample[8]) | UInt16(sample[9]) << 8
    return SnapshotEnvelope.seal(kind: kind, version: version, payload: payload)
}

private let handWrittenEvents: [[UInt8]] = [
    #"{"user_id":"u42","item_id":"sku-1001","type":"add_to_cart","timestamp":1714564800000,"item":{"category":"shoes","price":59.9},"context":{"device":"ios"}}"#,
    #"{"user_id":"u1","item_id":"i1","type":"rating","timestamp":"2024-05-01T12:35:00.000Z","value":4.5,"event_id":"e-1"}"#,
    #"{"user_id":"\u00e9\ud83d\ude00","item_id":"i\\\"x","type":"view","timestamp":0}"#,
].map { Array($0.utf8) }

private let sampleEvents: [Event] = (0..<12).map { k in
    var event = Event(
        userID: "u\(k % 4)", itemID: "i\(k % 5)", type: ["view", "click", "purchase", "rating"][k % 4],
        timestampMilliseconds: 1_700_000_000_000 + Int64(k) * 60_000)
    if event.type == "rating" { event.value = Double(1 + k % 5) }
    event.item["category"] = .string("c\(k % 3)")
    if k % 2 == 0 { event.item["price"] = .number(Double(k) * 1.5) }
    if k % 3 == 0 { event.context["device"] = .string("web") }
    return event
}

/// Small tables, so that a snapshot is kilobytes and each input decodes fast.
private let sampleFeatures: FeatureSettings = {
    var settings = FeatureSettings()
    settings.neighbours = 4
    settings.neighbourCapacity = 8
    return settings
}()

private let sampleSettings: ModelSettings = {
    var settings = ModelSettings()
    settings.factors = 4
    settings.cooccurrenceNeighbours = 4
    return settings
}()

private let sampleModel: any Recommender = {
    var model = try! ModelCatalog.make(
        "hybrid", schema: EventSchema(), features: sampleFeatures, settings: sampleSettings)
    model.learn(contentsOf: sampleEvents)
    return model
}()

private let sampleCheckpoint: [UInt8] = EngineCheckpoint(
    topic: "streamrec.events", offsets: [0: 12, 3: 7], recordsConsumed: 19, eventsApplied: 12,
    writtenAt: 1_764_000_000_000, modelName: "hybrid", features: [], model: sampleModel.snapshot(),
    storeGeneration: 2, userPartitions: ["u1": 0, "u2": 3],
    sharedItems: SharedItemPositions(watermarks: [0: 12], positions: [1: 4], factorWatermarks: [0: 12])
).encoded()

private let sampleSharedRecords: [SharedItemRecord] = [
    SharedItemRecord(
        partition: 2, origin: "host-a", scope: "streamrec/streamrec.events", takenAtMilliseconds: 1_764_000_000_000,
        events: sampleEvents.enumerated().map { k, event in
            SharedItemEvent(
                offset: Int64(k * 3), itemID: event.itemID, type: event.type,
                timestampMilliseconds: event.timestampMilliseconds, value: event.value, newUser: k % 2 == 0,
                category: "c\(k % 3)", attributes: k % 2 == 0 ? ["price": Double(k)] : [:],
                paired: (0..<(k % 4)).map { "i\($0)" })
        })
]
