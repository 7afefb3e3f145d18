import Hummingbird
import Logging

/// Turns every failure into ``APIError``'s JSON shape: Hummingbird's own errors
/// (no such route, body too large) keep their status with a stable code; any
/// other error is logged here and reaches the client as a bare 500, so no
/// internal detail leaks.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as EventsRejected {
            throw error
        } catch let error as HTTPError {
            throw Self.apiError(error.status, error.body, request)
        } catch let error as any HTTPResponseError {
            // Hummingbird's and NIO's own, such as a body over the limit.
            throw Self.apiError(error.status, nil, request)
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw APIError(.internalServerError, "internal", "the request failed; the server log says why")
        }
    }

    private static func apiError(_ status: HTTPResponse.Status, _ body: String?, _ request: Request) -> APIError {
        switch status {
        case .notFound: .notFound("no such route: \(request.method) \(request.uri.path)")
        case .contentTooLarge: APIError(.contentTooLarge, "too_large", "the request body exceeds the server's limit")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here")
        case let status: APIError(status, "http_\(status.code)", body ?? status.reasonPhrase)
        }
    }
}
