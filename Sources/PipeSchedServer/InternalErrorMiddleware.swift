import Hummingbird

/// Turns any error that is not already an HTTP answer (a store failure, a bug) into a JSON `500`
/// `internal` error, so the server never answers `500` with an empty body; the router's bodiless
/// errors (unknown route) get a JSON body as well.
struct InternalErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.body == nil {
            // The router's own refusals (no such route, wrong method) get a JSON body too.
            throw APIError(error.status, code: error.status == .notFound ? "notFound" : "invalidRequest",
                           message: "\(request.method) \(request.uri.path): \(error.status.reasonPhrase)",
                           fix: "see GET /openapi.yaml for the routes")
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            context.logger.error("internal error on \(request.method) \(request.uri.path): \(error)")
            throw APIError.internalError(error)
        }
    }
}
