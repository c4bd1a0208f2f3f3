import Hummingbird
import Logging
import PipeSchedStore

/// Builds the PipeSched HTTP service: routes over a `SolveService`, metrics, and the lifecycle
/// service that drains jobs and closes the store on shutdown.
public enum PipeSchedServer {
    /// The application, ready for `runService()` (which handles SIGTERM/SIGINT) or for tests. Marks
    /// the jobs an earlier run of this server left unfinished as interrupted before it serves.
    /// `onServerRunning` receives the bound port (useful with port 0).
    public static func application(
        configuration: ServerConfiguration, store: any ResultStore, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "pipesched.serve")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let owner = configuration.owner ?? JobRecord.processOwner
        let service = SolveService(store: store, limits: configuration.limits, methods: configuration.methods, owner: owner,
                                   exactMethods: configuration.exactMethods)
        service.metrics.identify(owner: owner, store: store.kind)
        let interrupted = try await service.recoverInterruptedJobs()
        if interrupted > 0 { logger.notice("marked \(interrupted) unfinished jobs of an earlier run as interrupted") }
        let router = makeRouter(service: service, renderers: configuration.renderers)
        // A connection silent for idleTimeout (no byte of a request read, no answer pending) is closed,
        // so a client that declares a body and never sends it cannot hold a connection.
        let idleNanoseconds = Int64(configuration.limits.idleTimeout * 1e9)
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionWatch(registry: service.connections)],
                                                idleTimeout: .nanoseconds(idleNanoseconds))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pipesched"),
            services: [SolveServiceLifecycle(service: service, logger: logger)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }

    /// The router alone, for tests that check the routes against docs/openapi.yaml.
    public static func routes(service: SolveService, renderers: ScheduleRenderers = .standard) -> [(method: String, path: String)] {
        makeRouter(service: service, renderers: renderers).routes.map { ($0.method.rawValue, $0.path.description) }
    }

    static func makeRouter(service: SolveService, renderers: ScheduleRenderers) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: service.metrics))
        router.add(middleware: InternalErrorMiddleware())
        APIRoutes(service: service, renderers: renderers).register(on: router)
        return router
    }
}
