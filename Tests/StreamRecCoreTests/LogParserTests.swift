import Foundation
import StreamRecCore
import Testing

/// Runs a parser over lines, collecting events and errors.
func parseLines(_ parser: inout some LogLineParser, _ lines: [String]) -> (events: [Event], errors: [LogLineError]) {
    var events: [Event] = []
    var errors: [LogLineError] = []
    for line in lines {
        let bytes = Array(line.utf8)
        let result: Result<Event?, LogLineError> = bytes.withUnsafeBytes { raw in
            Result { () throws(LogLineError) in try parser.parse(raw) }
        }
        switch result {
        case .success(let event?): events.append(event)
        case .success(nil): break
        case .failure(let error): errors.append(error)
        }
    }
    return (events, errors)
}

@Suite("Log parsers for replay")
struct LogParserTests {
    let schema = EventSchema()

    @Test(
        "Formats are detected from file names, through .gz",
        arguments: [
            ("data/u.data", LogFormat.movielens100k), ("ratings.dat", .movielens1m), ("ratings.dat.gz", .movielens1m),
            ("events.csv", .csv), ("x/events.CSV.gz", .csv), ("log.jsonl", .jsonl), ("log.ndjson.gz", .jsonl),
        ])
    func detection(name: String, format: LogFormat) {
        #expect(LogFormat.detect(fileName: name) == format)
    }

    @Test("MovieLens u.data and ratings.dat lines become rating events at event time")
    func movieLens() {
        var tabs = MovieLensParser(format: .movielens100k, schema: schema)
        let (events, errors) = parseLines(&tabs, ["196\t242\t3\t881250949", "", "22\t377\t1\t878887116"])
        #expect(errors.isEmpty)
        #expect(
            events == [
                Event(userID: "196", itemID: "242", type: "rating", timestampMilliseconds: 881_250_949_000, value: 3),
                Event(userID: "22", itemID: "377", type: "rating", timestampMilliseconds: 878_887_116_000, value: 1),
            ])
        var colons = MovieLensParser(format: .movielens1m, schema: schema)
        let (more, _) = parseLines(&colons, ["1::1193::5::978300760", "1::661::3.5::978302109"])
        #expect(more.map(\.itemID) == ["1193", "661"])
        #expect(more.map(\.value) == [5, 3.5])
    }

    @Test(
        "Bad MovieLens lines say why",
        arguments: [
            ("196\t242\t3", "malformed_line"),
            ("196\t242\tthree\t881250949", "malformed_line"),
            ("196\t242\t3\t8812509.5", "malformed_line"),
            ("196\t242\t9\t881250949", "rating_out_of_range"),
            ("\t242\t3\t881250949", "empty_id"),
            ("196\t242\t3\t1", "timestamp_out_of_range"),
        ])
    func movieLensErrors(line: String, reason: String) {
        var parser = MovieLensParser(format: .movielens100k, schema: schema)
        let (events, errors) = parseLines(&parser, [line])
        #expect(events.isEmpty)
        #expect(errors.map(\.reason) == [reason])
    }

    @Test("CSV: header, quoting, mapping, type renames, attributes and time units")
    func csv() throws {
        let mapping = try CSVMapping(
            map: "user=visitorid,item=itemid,type=event,timestamp=ts,item.category=cat,context.note=note",
            typeMap: "addtocart=add_to_cart")
        var parser = try CSVParser(mapping: mapping, schema: schema)
        let (events, errors) = parseLines(
            &parser,
            [
                "ts,visitorid,event,itemid,cat,note",
                #"1433221332117,257597,view,355908,12,"said ""hi"", left""#,
                "1433224214,992329,addtocart,248676,,",
                "2015-06-02T05:02:12Z,111,view,5,abc,",
                "1433221332117,257597,view",
                "1433221332117,257597,teleport,1,2,3",
            ])
        try #require(events.count == 3)
        #expect(
            events[0]
                == Event(
                    userID: "257597", itemID: "355908", type: "view", timestampMilliseconds: 1_433_221_332_117,
                    item: ["category": .number(12)], context: ["note": .string(#"said "hi", left"#)]))
        #expect(events[1].type == "add_to_cart")
        #expect(events[1].timestampMilliseconds == 1_433_224_214_000, "seconds are told apart from milliseconds")
        #expect(events[1].item.isEmpty)
        #expect(events[2].timestampMilliseconds == 1_433_221_332_000)
        #expect(errors.map(\.reason) == ["malformed_line", "unknown_event_type"])
    }

    @Test("A mapped column missing from the header is an error naming it and the columns there are")
    func csvMissingColumn() throws {
        var parser = try CSVParser(
            mapping: CSVMapping(map: "user=user,item=item,timestamp=time", fixedType: "view"), schema: schema)
        let (_, errors) = parseLines(&parser, ["user,item,ts"])
        #expect(errors.first?.reason == "missing_column")
        #expect(errors.first?.message.contains("'time'") == true)
        #expect(errors.first?.message.contains("user, item, ts") == true)
    }

    @Test("Headerless CSV with column names given up front")
    func csvColumns() throws {
        let mapping = try CSVMapping(map: "user=u,item=i,type=b,timestamp=t", typeMap: "pv=view")
        var parser = try CSVParser(mapping: mapping, schema: schema, columns: ["u", "i", "c", "b", "t"])
        let (events, errors) = parseLines(&parser, ["1,2268318,2520377,pv,1511544070"])
        #expect(errors.isEmpty)
        #expect(
            events == [Event(userID: "1", itemID: "2268318", type: "view", timestampMilliseconds: 1_511_544_070_000)])
    }

    @Test("Times in seconds, milliseconds and out of range: a huge negative number is an error, not an overflow")
    func csvTimeMagnitudes() throws {
        let mapping = try CSVMapping(map: "user=u,item=i,type=b,timestamp=t")
        var parser = try CSVParser(mapping: mapping, schema: schema, columns: ["u", "i", "b", "t"])
        let (events, errors) = parseLines(
            &parser, ["1,2,view,1511544070", "1,2,view,1511544070123", "1,2,view,-7000001700000163456"])
        #expect(events.map(\.timestampMilliseconds) == [1_511_544_070_000, 1_511_544_070_123])
        #expect(errors.count == 1, "found by fuzzing: this one overflowed")
    }

    @Test(
        "Mapping mistakes are explained",
        arguments: [
            ("user=u,item=i", nil as String?, "--map must name the column for 'timestamp'"),
            (
                "user=u,item=i,timestamp=t", nil,
                "map a column (--map type=COLUMN) or give one for every row (--type view)"
            ),
            ("user=u,item=i,timestamp=t,type=x", "view", "not both"),
            ("user=u,item=i,timestamp=t,colour=c", "view", "unknown field 'colour'"),
            ("user=u,item=i,timestamp", "view", "expected key=value"),
        ])
    func mappingErrors(map: String, type: String?, expected: String) {
        #expect {
            _ = try CSVMapping(map: map, fixedType: type)
        } throws: { error in
            (error as? StreamRecError)?.message.contains(expected) == true
        }
    }

    @Test("JSON lines go through the event decoder; blank lines are skipped")
    func jsonLines() {
        var parser = JSONLinesParser(schema: schema)
        let (events, errors) = parseLines(
            &parser,
            [
                #"{"user_id":"u","item_id":"i","type":"click","timestamp":"2020-01-01T00:00:00Z"}"#, "  ",
                #"{"user_id":"u"}"#,
            ])
        #expect(events.count == 1)
        #expect(errors.map(\.reason) == ["missing_field"])
    }

    @Test("Pacing: a fixed rate, event time sped up, or none")
    func pacing() {
        var rate = ReplayPacer(.rate(1000))
        #expect(rate.due(index: 0, eventTime: 0) == 0)
        #expect(rate.due(index: 500, eventTime: 0) == 500_000_000)
        var speedup = ReplayPacer(.speedup(10))
        #expect(speedup.due(index: 0, eventTime: 1_000_000) == nil)
        #expect(speedup.due(index: 1, eventTime: 1_010_000) == 1_000_000_000)
        #expect(speedup.due(index: 2, eventTime: 999_000) == nil, "an older event (unsorted log) is due at once")
        var unpaced = ReplayPacer(.unpaced)
        #expect(unpaced.due(index: 10, eventTime: 5) == nil)
    }
}
