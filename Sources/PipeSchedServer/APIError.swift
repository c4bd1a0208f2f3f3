import Foundation
import Hummingbird
import PipeSched
import PipeSchedStore

/// An error answered to the client as JSON: `{"error": {"code", "message", "field"?, "fix"?}}`, with
/// the right status. Every user mistake becomes one of these (4xx), so no bad request reaches the
/// 500 path.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// Stable, machine-readable: `invalidJSON`, `invalidProblem`, `invalidRequest`, `bodyTooLarge`, ...
    public var code: String
    public var message: String
    /// The offending field, in the problem's or the request's JSON (`stages[2].memory`, `timeLimit`).
    public var field: String?
    /// What the client can do about it.
    public var fix: String?
    /// Extra response headers (`Retry-After`).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, fix: String? = nil,
                headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.fix = fix
        self.headers = headers
    }

    /// `field: message; fix`, the CLI's form.
    public var description: String { (field.map { "\($0): " } ?? "") + message + (fix.map { "; \($0)" } ?? "") }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body())))
    }

    /// The JSON body.
    func body() -> Data {
        struct Envelope: Encodable {
            struct Detail: Encodable { var code: String; var message: String; var field: String?; var fix: String?; var description: String }
            var error: Detail
        }
        let envelope = Envelope(error: .init(code: code, message: message, field: field, fix: fix, description: description))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(envelope)) ?? Data(#"{"error":{"code":"internal"}}"#.utf8)
    }
}

extension APIError {
    /// A problem that does not decode or validate: the same field, message and fix as the CLI prints.
    static func invalidProblem(_ error: ProblemError) -> APIError {
        APIError(.badRequest, code: "invalidProblem", message: error.message, field: error.field, fix: error.fix)
    }

    /// A problem over the server's size limits (`--max-problem-size`, `--max-stages`).
    static func problemTooLarge(_ error: ProblemError) -> APIError {
        APIError(.badRequest, code: "problemTooLarge", message: error.message, field: "problem.\(error.field)",
                 fix: error.fix.replacingOccurrences(of: "raise the limit with", with: "solve it with the CLI, or raise"))
    }

    /// Any failure that is not the client's, answered as JSON (never an empty `500`).
    static func internalError(_ error: any Error) -> APIError {
        APIError(.internalServerError, code: "internal", message: "the server failed: \(error)",
                 fix: "retry; if it persists, report it with the request")
    }

    /// A request field that is missing, of the wrong type or out of range.
    static func invalidRequest(field: String, _ message: String, fix: String) -> APIError {
        APIError(.badRequest, code: "invalidRequest", message: message, field: field, fix: fix)
    }

    /// A body over the configured limit.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "bodyTooLarge", message: "the request body is larger than \(limit) bytes",
                 fix: "send a smaller problem, or raise the server's --max-body-bytes")
    }

    /// The solver queue is full.
    static func queueFull(retryAfter seconds: Int, waiting: Int) -> APIError {
        APIError(.tooManyRequests, code: "queueFull", message: "\(waiting) solves are already waiting for a solver",
                 fix: "retry after \(seconds) s", headers: [.retryAfter: String(seconds)])
    }

    /// The server is shutting down.
    static let shuttingDown = APIError(.serviceUnavailable, code: "shuttingDown", message: "the server is shutting down",
                                       fix: "retry on another instance or after the restart", headers: [.retryAfter: "5"])

    /// A missing job or schedule.
    static func notFound(_ what: String, id: String) -> APIError {
        APIError(.notFound, code: "notFound", message: "no \(what) with id \"\(id)\"", fix: "check the id returned by POST /v1/solve")
    }

    /// The method ran and found no schedule (for example none fits the memory cap): the request was
    /// understood, but has no answer.
    static func noSchedule(_ failure: StoredFailure) -> APIError {
        APIError(.unprocessableContent, code: failure.kind, message: failure.message,
                 fix: failure.kind == "doesNotFit" ? "choose a method that fits the placement; GET /v1/methods lists them"
                     : failure.kind == "tooLarge" ? "use a window method (cpsat-window, ilp-window) or a heuristic (auto) for problems this size"
                     : "raise memoryLimit or choose a method that respects caps")
    }
}
