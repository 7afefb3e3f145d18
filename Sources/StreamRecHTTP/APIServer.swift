import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP server as a `Service`: runs beside the engine in one service group
/// and stops with it. Slow or stalled clients cost the server a connection
/// each, never the engine: requests read the engine's state between batches and
/// the engine never waits for a client.
package struct APIServer: Service {
    package let host: String
    package let port: Int
    /// Builds the routes when the server starts (a router is not `Sendable`).
    let makeRouter: @Sendable () -> Router<APIRouter.Context>
    let logger: Logger
    /// Called with the bound address once listening (port 0 picks a free one).
    let onListening: @Sendable (String) async -> Void

    package init(
        host: String, port: Int, makeRouter: @escaping @Sendable () -> Router<APIRouter.Context>, logger: Logger,
        onListening: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.makeRouter = makeRouter
        self.logger = logger
        self.onListening = onListening
    }

    /// `host:port` from `engine.http` / `--http`, or nil for `off`; throws a
    /// message that says what to write otherwise.
    package static func address(_ text: String, setting: String) throws(APIAddressError) -> (host: String, port: Int)? {
        if text == "off" { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon > text.startIndex
        else {
            throw APIAddressError(
                "\(setting) must be HOST:PORT (such as 127.0.0.1:8080, 0.0.0.0:8080, or port 0 for any free port) or off, got '\(text)'"
            )
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    package func run() async throws {
        let onListening = onListening
        let host = host
        let application = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                await onListening("\(host.contains(":") ? "[\(host)]" : host):\(port)")
            },
            logger: logger)
        do {
            // As a service of the caller's group (or task), not a group of its own:
            // the caller's signal handling decides when it stops.
            try await application.run()
        } catch {
            throw APIAddressError(
                "cannot serve HTTP on \(host):\(port): \(error). Choose another HOST:PORT (--http, engine.http, serve.http) or off"
            )
        }
    }
}

/// A malformed `engine.http`, `serve.http` or `--http`.
package struct APIAddressError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
