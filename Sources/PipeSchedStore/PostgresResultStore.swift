import Foundation
import Logging
import PipeSched
import PostgresNIO

/// `ResultStore` in a PostgreSQL database through postgres-nio: the store and job queue that several
/// servers and sweep shards on several hosts share. Connections come from postgres-nio's pool, which
/// opens new ones when the server drops them (a restart or failover costs the requests in flight,
/// not the store). Opening checks the server directly, so an unreachable database is a clear error
/// at start, not at the first request.
public final class PostgresResultStore: ResultStore {
    public let location: PostgresLocation
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let logger: Logger

    /// Connects (waiting up to `connectTimeout` seconds), migrates the schema, and starts the pool.
    /// Throws `StoreUnavailable` naming the server and the reason when it cannot.
    public init(location: PostgresLocation, connectTimeout: Double = 10) async throws {
        self.location = location
        var logger = Logger(label: "pipesched.store.postgres")
        logger.logLevel = .critical
        self.logger = logger
        var connection = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                          password: location.password, database: location.database,
                                                          tls: try location.connectionTLS())
        connection.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        do {
            let first = try await PostgresConnection.connect(configuration: connection, id: 0, logger: logger)
            do {
                try await PostgresSchema.migrate(first, logger: logger)
                try? await first.close()
            } catch {
                try? await first.close()
                throw error
            }
        } catch let error as StoreDecodingError {
            throw StoreUnavailable("\(location): \(error.description)")
        } catch {
            throw StoreUnavailable("cannot reach PostgreSQL at \(location): \(Self.reason(error)); "
                                   + "check that the server runs and that the URL's host, port, user, password and database are right")
        }
        var configuration = location.clientConfiguration
        configuration.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    /// What went wrong, in words: postgres-nio's errors hide their details from `description`.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    public var kind: String { "postgres" }

    public func ping() async throws {
        try await run { try await $0.query("SELECT 1", logger: logger) }
    }

    public func result(forKey key: RequestKey) async throws -> StoredResult? {
        try await firstResult("SELECT * FROM results WHERE key = \(key.hex)")
    }

    public func result(id: String) async throws -> StoredResult? {
        try await firstResult("SELECT * FROM results WHERE id = \(id)")
    }

    public func save(_ result: StoredResult) async throws {
        let columns = try result.columns()
        try await run {
            try await $0.query("""
                INSERT INTO results
                  (id, key, method, objective, problem, document, metrics, failure_kind, failure_message, solve_seconds, created_at)
                VALUES (\(result.id), \(result.key?.hex), \(result.method), \(result.objective.rawValue), \(result.problem),
                        \(columns.document), \(columns.metrics), \(columns.failure?.kind), \(columns.failure?.message),
                        \(result.solveSeconds), \(result.createdAt))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await jobs("SELECT * FROM jobs WHERE id = \(id)").first
    }

    public func save(_ job: JobRecord) async throws {
        var query = try Self.insertJob(job)
        query.sql += """
             ON CONFLICT (id) DO UPDATE SET
              key = excluded.key, method = excluded.method, objective = excluded.objective,
              time_limit = excluded.time_limit, status = excluded.status, progress = excluded.progress,
              best_objective = excluded.best_objective, gap = excluded.gap, result_id = excluded.result_id,
              failure_kind = excluded.failure_kind, failure_message = excluded.failure_message,
              created_at = excluded.created_at, started_at = excluded.started_at, finished_at = excluded.finished_at,
              lease_until = GREATEST(jobs.lease_until, excluded.lease_until),
              request = COALESCE(excluded.request, jobs.request), attempts = GREATEST(jobs.attempts, excluded.attempts)
            WHERE jobs.owner = excluded.owner
            """
        try await run { try await $0.query(query, logger: logger) }
    }

    public func startJob(_ job: JobRecord) async throws -> JobRecord {
        try await client.withTransaction(logger: logger) { connection in
            // Requests for one key queue behind each other here, so two servers never both insert.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(job.key)))", logger: logger)
            let found = try await Self.jobs(connection.query("""
                SELECT * FROM jobs WHERE key = \(job.key) AND \(unescaped: JobQueueSQL.joinable) AND lease_until >= \(Date())
                ORDER BY created_at LIMIT 1
                """, logger: logger))
            if let running = found.first { return running }
            try await connection.query(try Self.insertJob(job), logger: logger)
            return job
        }
    }

    @discardableResult
    public func interruptUnfinishedJobs(owner: String) async throws -> Int {
        let failure = StoredFailure.interrupted
        return try await changed("""
            UPDATE jobs SET status = 'failed', failure_kind = \(failure.kind), failure_message = \(failure.message), finished_at = \(Date())
            WHERE owner = \(owner) AND \(unescaped: JobQueueSQL.unfinished) RETURNING id
            """)
    }

    public func renewLeases(owner: String, until: Date) async throws -> [String] {
        try await run { connection in
            let rows = try await connection.query("""
                UPDATE jobs SET lease_until = \(until) WHERE owner = \(owner) AND \(unescaped: JobQueueSQL.unfinished)
                RETURNING id, cancel_requested
                """, logger: logger)
            var cancelled: [String] = []
            for try await (id, cancel) in rows.decode((String, Bool).self) where cancel { cancelled.append(id) }
            return cancelled
        }
    }

    @discardableResult
    public func interruptExpiredJobs(now: Date) async throws -> Int {
        try await changed("""
            UPDATE jobs SET status = \(unescaped: JobQueueSQL.endedStatus), failure_kind = \(unescaped: JobQueueSQL.endedFailureKind),
              failure_message = \(unescaped: JobQueueSQL.endedFailureMessage), finished_at = \(now)
            WHERE \(unescaped: JobQueueSQL.unfinished) AND (lease_until IS NULL OR lease_until < \(now))
              AND NOT (\(unescaped: JobQueueSQL.resumable))
            RETURNING id
            """)
    }

    public func claimExpiredJobs(owner: String, now: Date, until: Date, limit: Int) async throws -> [JobRecord] {
        guard limit > 0 else { return [] }
        // Rows another server is claiming right now are skipped, not waited for: each job goes to one claimer.
        return try await jobs("""
            WITH expired AS (
              SELECT id FROM jobs
              WHERE \(unescaped: JobQueueSQL.unfinished) AND (lease_until IS NULL OR lease_until < \(now)) AND \(unescaped: JobQueueSQL.resumable)
              ORDER BY created_at LIMIT \(limit)
              FOR UPDATE SKIP LOCKED)
            UPDATE jobs SET owner = \(owner), status = 'queued', lease_until = \(until), started_at = NULL, progress = 0,
              attempts = jobs.attempts + 1
            FROM expired WHERE jobs.id = expired.id
            RETURNING jobs.*
            """)
    }

    @discardableResult
    public func releaseQueuedJobs(ids: [String], owner: String) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await changed("""
            UPDATE jobs SET owner = '', lease_until = NULL, started_at = NULL, progress = 0, attempts = GREATEST(attempts - 1, 0)
            WHERE id = ANY(\(ids)) AND owner = \(owner) AND status = 'queued' RETURNING id
            """)
    }

    public func requestCancel(id: String) async throws {
        try await run { try await $0.query("UPDATE jobs SET cancel_requested = TRUE WHERE id = \(id)", logger: logger) }
    }

    public func unfinishedJob(key: String, now: Date) async throws -> JobRecord? {
        try await jobs("""
            SELECT * FROM jobs WHERE key = \(key) AND \(unescaped: JobQueueSQL.joinable) AND lease_until >= \(now)
            ORDER BY created_at LIMIT 1
            """).first
    }

    public func close() async throws {
        running.cancel()
        await running.value
    }

    // MARK: - Queries

    /// Runs `body` on a pooled connection, with a `StoreUnavailable` naming the server when the
    /// server cannot be reached.
    private func run<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        do {
            return try await body(client)
        } catch let error as PSQLError where error.code == .connectionError || error.code == .serverClosedConnection {
            throw StoreUnavailable("PostgreSQL at \(location) is unreachable: \(Self.reason(error))")
        } catch let error as PSQLError {
            throw StoreUnavailable("PostgreSQL at \(location): \(Self.reason(error))")
        }
    }

    private func firstResult(_ query: PostgresQuery) async throws -> StoredResult? {
        try await run { client in
            // Read to the end (at most one row: ids and keys are unique), so the connection goes back to the pool.
            var found: StoredResult?
            for try await row in try await client.query(query, logger: logger) { found = try StoredResult(row: row.makeRandomAccess()) }
            return found
        }
    }

    private func jobs(_ query: PostgresQuery) async throws -> [JobRecord] {
        try await run { client in try await Self.jobs(client.query(query, logger: logger)) }
    }

    private static func jobs(_ rows: PostgresRowSequence) async throws -> [JobRecord] {
        var records: [JobRecord] = []
        for try await row in rows { records.append(try JobRecord(row: row.makeRandomAccess())) }
        return records
    }

    /// How many rows a statement ending in `RETURNING id` changed.
    private func changed(_ query: PostgresQuery) async throws -> Int {
        try await run { client in
            var count = 0
            for try await _ in try await client.query(query, logger: logger) { count += 1 }
            return count
        }
    }

    private static func insertJob(_ job: JobRecord) throws -> PostgresQuery {
        try """
        INSERT INTO jobs
          (id, key, owner, method, objective, time_limit, status, progress, best_objective, gap, result_id,
           failure_kind, failure_message, created_at, started_at, finished_at, lease_until, request, attempts)
        VALUES (\(job.id), \(job.key), \(job.owner), \(job.method), \(job.objective.rawValue), \(job.timeLimit), \(job.status.rawValue),
                \(job.progress), \(job.bestObjective), \(job.gap), \(job.resultID), \(job.failure?.kind), \(job.failure?.message),
                \(job.createdAt), \(job.startedAt), \(job.finishedAt), \(job.leaseUntil), \(job.request), \(job.attempts))
        """
    }
}

extension PostgresLocation {
    /// The TLS setting of a single connection (the pool's is `clientConfiguration`'s).
    func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}

extension StoredResult {
    init(row: PostgresRandomAccessRow) throws {
        let id = try row["id"].decode(String.self)
        let objectiveName = try row["objective"].decode(String.self)
        guard let objective = Objective(rawValue: objectiveName) else {
            throw StoreDecodingError(description: "result \(id): unknown objective \(objectiveName)")
        }
        let outcome: Outcome
        if let document = try row["document"].decode(Data?.self), let metricsText = try row["metrics"].decode(String?.self) {
            guard (try? ScheduleDocument.decode(json: document)) != nil,
                  let metrics = try? JSONDecoder().decode(Metrics.self, from: Data(metricsText.utf8)) else {
                throw StoreDecodingError(description: "result \(id): the stored schedule does not decode")
            }
            outcome = .schedule(document: document, metrics: metrics)
        } else {
            outcome = .failure(StoredFailure(kind: try row["failure_kind"].decode(String?.self) ?? "unknown",
                                             message: try row["failure_message"].decode(String?.self) ?? ""))
        }
        self.init(id: id, key: try row["key"].decode(String?.self).map(RequestKey.init(hex:)), method: try row["method"].decode(String.self),
                  objective: objective, problem: try row["problem"].decode(Data.self), outcome: outcome,
                  solveSeconds: try row["solve_seconds"].decode(Double.self), createdAt: try row["created_at"].decode(Date.self))
    }
}

extension JobRecord {
    init(row: PostgresRandomAccessRow) throws {
        let id = try row["id"].decode(String.self)
        guard let objective = Objective(rawValue: try row["objective"].decode(String.self)),
              let status = JobStatus(rawValue: try row["status"].decode(String.self)) else {
            throw StoreDecodingError(description: "job \(id): unknown objective or status")
        }
        let failure = try row["failure_kind"].decode(String?.self).map {
            StoredFailure(kind: $0, message: try row["failure_message"].decode(String?.self) ?? "")
        }
        self.init(id: id, key: try row["key"].decode(String.self), owner: try row["owner"].decode(String.self),
                  method: try row["method"].decode(String.self), objective: objective, timeLimit: try row["time_limit"].decode(Double?.self),
                  status: status, progress: try row["progress"].decode(Double.self), bestObjective: try row["best_objective"].decode(Double?.self),
                  gap: try row["gap"].decode(Double?.self), resultID: try row["result_id"].decode(String?.self), failure: failure,
                  createdAt: try row["created_at"].decode(Date.self), startedAt: try row["started_at"].decode(Date?.self),
                  finishedAt: try row["finished_at"].decode(Date?.self), leaseUntil: try row["lease_until"].decode(Date?.self),
                  request: try row["request"].decode(Data?.self), attempts: try row["attempts"].decode(Int.self))
    }
}
