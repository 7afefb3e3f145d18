import Foundation
import Hummingbird

/// An error as clients see it: a status and a JSON body
/// `{"error": code, "detail": text}`. The detail is written for the client: it
/// never carries a stack trace, a file path or a token.
package struct APIError: Error, HTTPResponseError, Sendable {
    package var status: HTTPResponse.Status
    /// Stable, machine-readable: `bad_request`, `unauthorized`, `not_found`, …
    package var code: String
    package var detail: String
    package var headers: HTTPFields = [:]

    package init(_ status: HTTPResponse.Status, _ code: String, _ detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = try APIJSON.encoder.encode(["error": code, "detail": detail])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, "bad_request", detail) }
    static func notFound(_ detail: String) -> APIError { APIError(.notFound, "not_found", detail) }
    static func unavailable(_ detail: String) -> APIError {
        APIError(.serviceUnavailable, "unavailable", detail)
    }
}
