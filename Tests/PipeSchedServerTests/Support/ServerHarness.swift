import Foundation
import Hummingbird
import HummingbirdTesting
import PipeSched
import LinearProgramming
import PipeSchedILP
import PipeSchedServer
import PipeSchedStore
import Testing

/// Starts the real server on a free loopback port (HummingbirdTesting's `.live`), with a SQLite
/// store in a temporary folder that a second server can open again, or on a given `--database`
/// value (a PostgreSQL URL: servers sharing one database).
struct ServerHarness {
    /// A SQLite path or a `postgres://` URL.
    let databasePath: String
    var configuration: ServerConfiguration

    init(limits: ServerLimits = ServerLimits(concurrentJobs: 2, queueLength: 8, shutdownGrace: 0.5),
         databasePath: String? = nil, owner: String = "test-server") {
        self.databasePath = databasePath ?? Self.temporaryDatabase()
        configuration = ServerConfiguration(host: "127.0.0.1", port: 0, limits: limits,
                                            methods: MethodRegistry.withILP().methods + [SpinMethod()], owner: owner,
                                            logLevel: "warning", exactMethods: Self.exactMethods)
    }

    /// The ILP methods configured by a request's solver, gap and threads, as `pipesched serve` has them.
    static let exactMethods = ExactMethods(solvers: ["glpk", "cbc"], defaultSolver: "cbc") { settings in
        let solver = SolverKind(rawValue: settings.solver) ?? .cbc
        return MethodRegistry.withILP(ILPSettings(solver: solver, relativeGap: settings.gap, threads: settings.threads)).methods
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("pipesched-server-\(UUID().uuidString)")
            .appendingPathComponent("pipesched.sqlite").path
    }

    /// Runs `body` against a live server; the server shuts down gracefully (draining jobs and
    /// closing the store) when `body` returns.
    func run<T: Sendable>(_ body: @escaping @Sendable (Client) async throws -> T) async throws -> T {
        let store = try await StoreLocation(parsing: databasePath).open()
        let app = try await PipeSchedServer.application(configuration: configuration, store: store)
        return try await app.test(.live) { client in try await body(Client(client: client)) }
    }

    /// A thin JSON client over HummingbirdTesting's.
    struct Client: Sendable {
        let client: any TestClientProtocol

        @discardableResult
        func request(_ method: HTTPRequest.Method, _ uri: String, body: Data? = nil, headers: HTTPFields = [:]) async throws -> Reply {
            var headers = headers
            if body != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
            return Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        }

        func post(_ uri: String, _ object: [String: Any]) async throws -> Reply {
            try await request(.post, uri, body: try JSONSerialization.data(withJSONObject: object))
        }

        func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Reply { try await request(.get, uri, headers: headers) }
    }

    /// A response with its body.
    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object; fails the test if it is not one.
        func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "\(text)", sourceLocation: sourceLocation)
        }

        /// `error.code` of an error body.
        var errorCode: String? { ((try? object())?["error"] as? [String: Any])?["code"] as? String }
        /// `error.field` of an error body.
        var errorField: String? { ((try? object())?["error"] as? [String: Any])?["field"] as? String }
    }
}

/// Polls a job until it is finished (or fails the test after `seconds`).
func waitForJob(_ client: ServerHarness.Client, _ id: String, seconds: Double = 20) async throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        let job = try await client.get("/v1/jobs/\(id)").object()
        if let status = job["status"] as? String, ["succeeded", "failed", "cancelled"].contains(status) { return job }
        guard Date() < deadline else {
            Issue.record("job \(id) still \(job["status"] ?? "?") after \(seconds) s")
            return job
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Polls a job until it has the given status.
func waitForStatus(_ client: ServerHarness.Client, _ id: String, _ status: String, seconds: Double = 10) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try await client.get("/v1/jobs/\(id)").object()["status"] as? String != status {
        guard Date() < deadline else {
            Issue.record("job \(id) never reached \(status)")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
