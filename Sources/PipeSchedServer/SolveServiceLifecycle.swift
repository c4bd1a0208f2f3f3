import Logging
import ServiceLifecycle

/// Runs beside the HTTP server under swift-service-lifecycle. On graceful shutdown (SIGTERM or
/// SIGINT) it is stopped after the HTTP server has stopped accepting and answered its requests:
/// it drains the jobs within the grace period, then closes the store.
struct SolveServiceLifecycle: Service {
    let service: SolveService
    let logger: Logger

    func run() async throws {
        let heartbeat = Task { await service.heartbeat() }
        defer { heartbeat.cancel() }
        // Returns on graceful shutdown; throws on cancellation, which ends the service the same way.
        try? await gracefulShutdown()
        logger.info("draining jobs (grace \(service.limits.shutdownGrace) s)")
        await service.shutdown(grace: service.limits.shutdownGrace)
        try await service.store.close()
        logger.info("jobs drained, result store closed")
    }
}
