import Foundation
import Logging
import StreamRecCore
import StreamRecEngine
import StreamRecHTTP
import StreamRecKafka

/// The HTTP API beside an engine (`run`, `demo`): the server, and the producer
/// of `POST /v1/events`, to close once the server has stopped.
struct EngineHTTP {
    let server: APIServer
    let producer: KafkaProducer

    /// The API for `engine` at `configuration.http.engineAddress`, or nil when it
    /// is `off`. `announce` receives the dashboard's URL once listening.
    static func make(
        engine: StreamingEngine, configuration: StreamRecConfiguration, producer: KafkaProducerConfiguration,
        logger: Logger, announce: @escaping @Sendable (String) -> Void
    ) throws -> EngineHTTP? {
        guard let address = try address(configuration) else { return nil }
        let events = try KafkaProducer(configuration: producer, logger: logger)
        let backend = LiveEngineBackend(engine: engine, producer: events, configuration: configuration)
        let settings = APISettings(configuration)
        let server = APIServer(
            host: address.host, port: address.port,
            makeRouter: { APIRouter.make(backend: backend, settings: settings, metrics: MetricsSetup.registry) },
            logger: logger,
            onListening: { announce("http://\($0)/") })
        return EngineHTTP(server: server, producer: events)
    }

    /// `engine.http` as host and port, nil for `off`; a malformed one throws
    /// (exit 2), so that commands can check it before connecting anywhere.
    static func address(_ configuration: StreamRecConfiguration) throws -> (host: String, port: Int)? {
        try APIServer.address(configuration.http.engineAddress, setting: "engine.http (--http)")
    }
}
