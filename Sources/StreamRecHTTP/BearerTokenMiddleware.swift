import Hummingbird

/// Bearer tokens (`http.token`, `http.read_token`): a `POST` needs the write
/// token when one is set; any other request needs the read token (or the write
/// token) when one is set. Health probes and the dashboard page itself stay open:
/// probes come from the platform, and the page holds no data (it sends the
/// token the user gives it with each of its requests).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let writeToken: String
    let readToken: String
    static var openPaths: Set<String> { ["/healthz", "/readyz", "/"] }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let accepted: [String]
        if request.method == .post {
            accepted = writeToken.isEmpty ? [] : [writeToken]
        } else if readToken.isEmpty || Self.openPaths.contains(request.uri.path) {
            accepted = []
        } else {
            accepted = [readToken] + (writeToken.isEmpty ? [] : [writeToken])
        }
        guard !accepted.isEmpty else { return try await next(request, context) }
        let given = request.headers[.authorization].flatMap { header -> Substring? in
            header.hasPrefix("Bearer ") ? header.dropFirst(7) : nil
        }
        guard let given, accepted.contains(where: { Self.equalInConstantTime($0.utf8, given.utf8) }) else {
            var error = APIError(
                .unauthorized, "unauthorized",
                given == nil ? "this request needs an Authorization: Bearer token" : "the bearer token is not valid")
            error.headers[.wwwAuthenticate] = "Bearer realm=\"streamrec\""
            throw error
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so response times do
    /// not reveal how much of a guess was right.
    static func equalInConstantTime(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
