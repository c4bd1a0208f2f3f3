import Foundation
import Hummingbird
import PipeSched
import PipeSchedExport
import PipeSchedStore

/// The HTTP routes: each parses its input, calls `SolveService` and shapes the answer. No solving,
/// storing or queueing logic lives here. docs/openapi.yaml describes every route.
struct APIRoutes: Sendable {
    let service: SolveService
    let renderers: ScheduleRenderers

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/solve") { request, context in try await solve(request, context) }
        router.get("/v1/jobs/{id}") { _, context in try await job(context) }
        router.delete("/v1/jobs/{id}") { _, context in try await cancel(context) }
        router.get("/v1/schedules/{id}") { request, context in try await schedule(request, context) }
        router.get("/v1/methods") { _, _ in try methods() }
        router.get("/v1/formats") { _, _ in try formats() }
        router.get("/health") { _, _ in try await health() }
        router.get("/metrics") { _, _ in
            Responses.bytes(Data(service.metrics.render().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.yaml") { _, _ in
            Responses.bytes(Data((OpenAPIDocument.yaml + "\n").utf8), contentType: "application/yaml")
        }
        router.get("/") { _, _ in Responses.bytes(Data((WebPage.html + "\n").utf8), contentType: "text/html; charset=utf-8") }
        router.get("/examples.json") { _, _ in Responses.bytes(Data(BundledFiles.standard.json.utf8), contentType: "application/json") }
        router.post("/v1/profile") { request, context in try await profile(request) }
        router.get("/schemas/{file}") { _, context in
            let file = try context.parameters.require("file")
            guard let schema = OpenAPIDocument.schemas[file] else { throw APIError.notFound("schema", id: file) }
            return Responses.bytes(Data((schema + "\n").utf8), contentType: "application/schema+json")
        }
    }

    /// The request body, refused with `413` over the server's limit.
    func body(_ request: Request) async throws -> Data {
        let limit = service.limits.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw APIError.bodyTooLarge(limit: limit) }
        do {
            return Data(try await request.body.collect(upTo: limit).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: limit)
        }
    }

    func solve(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let connection = request.headers[ConnectionRegistry.header].flatMap { UInt64($0) }
        switch try await service.solve(body: try await body(request), waitParameter: request.uri.queryParameters["wait"].map(String.init),
                                       connection: connection) {
        case .schedule(let stored, let cached): return Responses.solved(stored, cached: cached)
        case .accepted(let record): return try Responses.job(record)
        }
    }

    /// The cost model over HTTP: model and hardware (bundled names or objects) in, problem JSON out.
    func profile(_ request: Request) async throws -> Response {
        let problem = try ProfileRequest.parse(try await body(request)).problem()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Responses.json(try encoder.encode(problem))
    }

    func job(_ context: BasicRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let record = try await service.job(id: id) else { throw APIError.notFound("job", id: id) }
        return try Responses.json(JobView(record).json())
    }

    func cancel(_ context: BasicRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let record = try await service.cancel(id: id) else { throw APIError.notFound("job", id: id) }
        return try Responses.job(record)
    }

    func schedule(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let chosen = try renderers.negotiate(format: request.uri.queryParameters["format"].map(String.init),
                                             accept: request.headers[.accept])
        guard let stored = try await service.result(id: id) else { throw APIError.notFound("schedule", id: id) }
        guard let document = stored.document else {
            if case .failure(let failure) = stored.outcome { throw APIError.noSchedule(failure) }
            throw APIError.notFound("schedule", id: id)
        }
        if chosen.format == .json { return Responses.json(document) }
        guard let decoded = try stored.scheduleDocument() else { throw APIError.notFound("schedule", id: id) }
        let problem = try stored.decodedProblem()
        let rendered = try chosen.render(decoded, problem)
        // A PyTorch export of a problem profiled for another runtime says so, as the CLI does on standard error.
        let warning = chosen.format.export.flatMap { TorchMemoryNote.warning(for: decoded, problem: problem, format: $0) }
        return Responses.bytes(rendered, contentType: chosen.format.mediaType,
                               headers: warning.map { [ScheduleFormat.warningHeader: $0] } ?? [:])
    }

    func methods() throws -> Response {
        struct Entry: Encodable {
            var name: String
            var summary: String
            var mode: String
        }
        return try Responses.encoded(service.methods.map {
            Entry(name: $0.name, summary: $0.summary, mode: SolveMode.of(method: $0.name, timeLimit: nil).rawValue)
        })
    }

    /// The formats this server renders (`ScheduleRenderers.available`), JSON first.
    func formats() throws -> Response {
        struct Entry: Encodable {
            var name: String
            var mediaType: String
        }
        // `available` is by name; JSON (by name, whatever renderer a server registered for it) goes first.
        let json = ScheduleFormat.json.name
        let available = renderers.available.filter { $0.name == json } + renderers.available.filter { $0.name != json }
        return try Responses.encoded(available.map { Entry(name: $0.name, mediaType: $0.mediaType) })
    }

    /// `200` with `status: ok` when the store answers, else `503` with `status: degraded` and the
    /// store's error, so a load balancer takes the server out of rotation until its database is back.
    func health() async throws -> Response {
        struct Health: Encodable {
            struct Store: Encodable {
                var kind: String
                var status: String
                var error: String?
            }
            var status: String
            var version = PipeSchedVersion.current
            var owner: String
            var store: Store
            var running: Int
            var waiting: Int
        }
        var store = Health.Store(kind: service.store.kind, status: "ok")
        if let problem = await service.storeProblem() {
            store.status = "unreachable"
            store.error = problem
            service.metrics.storeUnavailable()
        }
        let health = Health(status: store.error == nil ? "ok" : "degraded", owner: service.owner, store: store,
                            running: await service.queue.runningCount, waiting: await service.queue.waitingCount)
        return try Responses.encoded(health, status: store.error == nil ? .ok : .serviceUnavailable)
    }
}
