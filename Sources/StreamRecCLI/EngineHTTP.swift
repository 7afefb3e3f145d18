import Foundation
import Logging
import StreamRecCore
import StreamRecEngine
import StreamRecHTTP
import StreamRecKafka

/// Starting the HTTP API beside an engine (`run`, `demo`).
enum EngineHTTP {
    /// The server for `engine` at `configuration.http.engineAddress`, or nil when
    /// it is `off`. `announce` receives the dashboard's URL once listening.
    static func server(
        engine: StreamingEngine, configuration: StreamRecConfiguration, producer: KafkaProducerConfiguration,
        logger: Logger, announce: @escaping @Sendable (String) -> Void
    ) throws -> APIServer? {
        let address: (host: String, port: Int)?
        do {
            address = try APIServer.address(configuration.http.engineAddress, setting: "engine.http (--http)")
        } catch {
            throw CommandError.usage(error.description)
        }
        guard let address else { return nil }
        let backend = LiveEngineBackend(
            engine: engine, producer: try KafkaProducer(configuration: producer, logger: logger),
            configuration: configuration)
        let settings = APISettings(configuration)
        return APIServer(
            host: address.host, port: address.port,
            makeRouter: { APIRouter.make(backend: backend, settings: settings, metrics: MetricsSetup.registry) },
            logger: logger,
            onListening: { announce("http://\($0)/") })
    }
}
