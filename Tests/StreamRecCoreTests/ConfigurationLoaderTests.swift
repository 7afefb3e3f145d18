import Foundation
import StreamRecCore
import Testing

@Suite("Configuration layering and validation")
struct ConfigurationLoaderTests {
    let file = (
        name: "test.yaml",
        text: """
        kafka:
          bootstrap_servers: "file-host:9092"
          properties:
            security.protocol: SASL_SSL
            sasl.password: hunter2
        consumer:
          group_id: from-file
        engine:
          batch_size: 9000
        """
    )

    @Test("Defaults apply when nothing is set")
    func defaults() throws {
        let loaded = try ConfigurationLoader.load()
        #expect(loaded.configuration == StreamRecConfiguration())
        #expect(loaded.configuration.topics.events == "streamrec.events")
        #expect(loaded.origins["engine.batch_size"] == "default")
    }

    @Test("File < environment < flags, and each value remembers its origin")
    func layering() throws {
        let loaded = try ConfigurationLoader.load(
            file: file,
            environment: [
                "STREAMREC_BOOTSTRAP_SERVERS": "env-host:9092", "STREAMREC_BATCH_SIZE": "9100", "PATH": "/bin",
            ],
            overrides: [.init(path: "kafka.bootstrap_servers", value: "flag-host:9092", origin: "--bootstrap-servers")]
        )
        let configuration = loaded.configuration
        #expect(configuration.kafka.bootstrapServers == "flag-host:9092")
        #expect(configuration.engine.batchSize == 9100)
        #expect(configuration.consumer.groupID == "from-file")
        #expect(configuration.kafka.properties == ["security.protocol": "SASL_SSL", "sasl.password": "hunter2"])
        #expect(loaded.origins["kafka.bootstrap_servers"] == "--bootstrap-servers")
        #expect(loaded.origins["engine.batch_size"] == "env STREAMREC_BATCH_SIZE")
        #expect(loaded.origins["consumer.group_id"] == "file test.yaml")
    }

    @Test("-X style properties add to the file's librdkafka properties")
    func propertyOverrides() throws {
        let loaded = try ConfigurationLoader.load(
            file: file,
            environment: ["STREAMREC_KAFKA_PROPERTIES": "ssl.ca.location=/etc/ca.pem,security.protocol=SSL"],
            overrides: [.init(path: "kafka.properties", value: "linger.ms=20", origin: "-X")]
        )
        #expect(
            loaded.configuration.kafka.properties == [
                "security.protocol": "SSL", "sasl.password": "hunter2", "ssl.ca.location": "/etc/ca.pem",
                "linger.ms": "20",
            ])
    }

    @Test("Secrets are masked when the configuration is described")
    func secretsMasked() throws {
        let loaded = try ConfigurationLoader.load(file: file)
        let rows = loaded.configuration.describe(origins: loaded.origins)
        let password = try #require(rows.first { $0.key == "kafka.properties.sasl.password" })
        #expect(password.value == "****")
        #expect(!rows.contains { $0.value.contains("hunter2") })
        #expect(rows.first { $0.key == "kafka.properties.security.protocol" }?.value == "SASL_SSL")
    }

    @Test(
        "Errors name the offending key",
        arguments: [
            ("kafka:\n  bootstrap_server: x\n", "unknown configuration key 'kafka.bootstrap_server'"),
            ("kafak:\n  client_id: x\n", "unknown configuration key 'kafak'"),
            ("engine:\n  batch_size: eighty\n", "'engine.batch_size' must be an integer, got 'eighty'"),
            ("engine:\n  batch_size: 0\n", "'engine.batch_size' must be in 1...1000000, got 0"),
            (
                "consumer:\n  auto_offset_reset: newest\n",
                "'consumer.auto_offset_reset' must be one of earliest, latest, error"
            ),
            ("kafka:\n  client_id: [a, b]\n", "'kafka.client_id' must be a single value"),
            ("kafka: [1, 2]\n", "'kafka' must be a mapping"),
            ("- just\n- a list\n", "expected a mapping of sections"),
            ("kafka:\n  client_id: \"unterminated\n", "not valid YAML"),
        ])
    func fileErrors(yaml: String, expected: String) throws {
        let error = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(file: (name: "bad.yaml", text: yaml))
        }
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.contains("bad.yaml"))
    }

    @Test("An unknown STREAMREC_ variable or a bad value in one is an error naming it")
    func environmentErrors() throws {
        let unknown = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(environment: ["STREAMREC_BOOTSTRAP": "x:1"])
        }
        #expect(unknown.message.contains("STREAMREC_BOOTSTRAP"))
        #expect(unknown.message.contains("STREAMREC_BOOTSTRAP_SERVERS"), "lists the known names")
        let badValue = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(environment: ["STREAMREC_TOP_N": "0"])
        }
        #expect(badValue.message.contains("STREAMREC_TOP_N"))
        #expect(badValue.message.contains("model.top_n"))
        _ = try ConfigurationLoader.load(environment: ["STREAMREC_HOME": "/tmp", "STREAMREC_CONFIG": "x.yaml"])
    }

    @Test("Bounds and combinations are checked after all layers, naming the keys")
    func crossKeyChecks() throws {
        let inverted = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(environment: ["STREAMREC_RATING_MIN": "4", "STREAMREC_RATING_MAX": "2"])
        }
        #expect(inverted.message.contains("events.rating_min (4.0) must not exceed events.rating_max (2.0)"))
        let window = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(environment: ["STREAMREC_COOCCURRENCE_WINDOW": "20"])
        }
        #expect(window.message.contains("features.cooccurrence_window (20) must not exceed features.recent_items (10)"))
        let again = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(environment: ["STREAMREC_RECOMMEND_AGAIN": "view, pageview"])
        }
        #expect(again.message.contains("features.recommend_again names 'pageview', not an event type"))
        let after = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(environment: ["STREAMREC_RECOMMEND_AGAIN_AFTER": "11"])
        }
        #expect(
            after.message.contains(
                "features.recommend_again_after (11) must be between 0 and features.recent_items (10)"))
        let views = try ConfigurationLoader.load(environment: ["STREAMREC_RECOMMEND_AGAIN": "view, click"])
        #expect(views.configuration.features.recommendAgainTypes == ["view", "click"])
        let scale = try ConfigurationLoader.load(
            file: (name: "f", text: "events:\n  rating_max: 10\n  rating_min: 1\n"))
        #expect(scale.configuration.events.ratingRange == 1...10)
    }

    @Test("Malformed -X properties are rejected")
    func malformedProperty() throws {
        let error = try #require(throws: StreamRecError.self) {
            try ConfigurationLoader.load(overrides: [
                .init(path: "kafka.properties", value: "linger.ms", origin: "-X linger.ms")
            ])
        }
        #expect(error.message.contains("expected key=value"))
    }

    @Test("The shipped default configuration file loads and names the standard topics")
    func shippedDefaults() throws {
        let text = try String(contentsOfFile: packageRoot + "/config/streamrec.yaml", encoding: .utf8)
        let loaded = try ConfigurationLoader.load(file: (name: "config/streamrec.yaml", text: text))
        #expect(loaded.configuration.topics.recommendations == "streamrec.recommendations")
        let example = try String(contentsOfFile: packageRoot + "/config/example-secure-cluster.yaml", encoding: .utf8)
        let secure = try ConfigurationLoader.load(file: (name: "example", text: example))
        #expect(secure.configuration.kafka.properties["security.protocol"] == "SASL_SSL")
    }
}

/// The package root, for tests that read files the repository ships.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
