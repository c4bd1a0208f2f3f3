import ArgumentParser
import Foundation
import LinearProgramming
import Synchronization
import PipeSched
import PipeSchedILP
import PipeSchedCPSAT
import PipeSchedServer
import PipeSchedStore

/// `pipesched serve`: the HTTP service (docs/server.md). Thin: options to a `ServerConfiguration`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve solve requests over HTTP (JSON in and out; see docs/server.md and docs/openapi.yaml).",
        discussion: """
        Results are stored under a hash of the request (in a SQLite file, or in PostgreSQL shared by \
        several servers), so repeated requests are answered at once, also after a restart or by \
        another server. Servers sharing a PostgreSQL store take over each other's jobs when one dies. SIGTERM or SIGINT stops accepting requests, gives \
        running jobs the grace period, stops the rest keeping their best schedule, and closes the \
        database.
        """
    )

    @Option(help: "Address to listen on. The default accepts only local connections.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @OptionGroup var store: StoreOption

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = ServerLimits().maxBodyBytes

    @Option(help: "Largest problem in passes: stages × microbatches × sequence slices × 3 (larger: 400).")
    var maxProblemSize = ServerLimits().maxProblemSize

    @Option(help: "Largest time limit a request may ask for, in seconds; also the limit of jobs that name none.")
    var maxTimeLimit = ServerLimits().maxTimeLimit

    @Option(help: "Solves running at once (default: the number of cores).")
    var jobs = ServerLimits().concurrentJobs

    @Option(help: "Solves waiting for a slot before requests get 429.")
    var queueLength = ServerLimits().queueLength

    @Option(help: "Longest `wait` a request may ask for, in seconds.")
    var maxWait = ServerLimits().maxWait

    @Option(help: "Seconds running jobs may go on after SIGTERM before they are stopped.")
    var shutdownGrace = ServerLimits().shutdownGrace

    @Option(help: "Bytes of recently used results held in memory, so store hits skip the database (0: off).")
    var cacheBytes = ServerLimits().cacheBytes

    @Option(help: "Largest number of stages (and devices) of a problem (larger: 400).")
    var maxStages = ServerLimits().maxStages

    @Option(help: "GiB an exact method's model may take, estimated before it is built (larger: 422 tooLarge, naming the window methods).")
    var maxExactMemory = ServerLimits().maxExactMemory

    @Option(help: "Seconds a connection may stay silent before it is closed.")
    var idleTimeout = ServerLimits().idleTimeout

    @Option(help: "Seconds a synchronous solve may run before it stops.")
    var syncTimeLimit = ServerLimits().syncTimeLimit

    @Option(help: "Seconds a job's lease lasts: this server renews it every third of that; when a server dies, another sharing the store takes over its jobs once their lease ran out.")
    var leaseSeconds = ServerLimits().leaseSeconds

    @Option(help: "Log level on standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    var limits: ServerLimits {
        ServerLimits(maxBodyBytes: maxBodyBytes, maxProblemSize: maxProblemSize, maxTimeLimit: maxTimeLimit, concurrentJobs: jobs,
                     queueLength: queueLength, maxWait: maxWait, shutdownGrace: shutdownGrace, cacheBytes: cacheBytes,
                     maxStages: maxStages, maxExactMemory: maxExactMemory, idleTimeout: idleTimeout, syncTimeLimit: syncTimeLimit,
                     leaseSeconds: leaseSeconds)
    }

    func validate() throws {
        if let problem = limits.problem { throw ValidationError(problem) }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else { throw ValidationError("--log-level must be one of \(levels.joined(separator: ", "))") }
    }

    func run() async throws {
        let store = try await self.store.open()
        let budget = limits.exactMemoryBudget
        let exact = ExactMethods(solvers: SolverKind.allCases.filter(\.isAvailable).map(\.rawValue), defaultSolver: SolverKind.cbc.rawValue) {
            settings in
            let solver = SolverKind(rawValue: settings.solver) ?? .cbc
            return MethodRegistry.withExactMethods(ILPSettings(solver: solver, relativeGap: settings.gap, threads: settings.threads, memoryBudget: budget),
                                                   cpsat: CPSATSettings(memoryBudget: budget)).methods
        }
        let methods = MethodRegistry.withExactMethods(ILPSettings(memoryBudget: budget), cpsat: CPSATSettings(memoryBudget: budget)).methods
        let configuration = ServerConfiguration(host: host, port: port, limits: limits, methods: methods,
                                                renderers: .standard, logLevel: logLevel, exactMethods: exact)
        let listening = ListeningFlag()
        let app = try await PipeSchedServer.application(configuration: configuration, store: store) { [host, shown = self.store.shown] port in
            listening.set()
            FileHandle.standardError.write(Data("pipesched serve: listening on http://\(host):\(port) (store: \(shown))\n".utf8))
        }
        do {
            try await app.runService()
        } catch where !listening.isSet {
            // The port is taken or the host is not an address of this machine: the user's to fix.
            throw Failure("cannot listen on \(host):\(port): \(error)", code: .badInput)
        }
    }
}

/// Whether the server got as far as listening (before that, failures are bad options).
final class ListeningFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
