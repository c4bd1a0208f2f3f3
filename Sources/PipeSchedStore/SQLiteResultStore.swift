import Foundation
import GRDB
import PipeSched

/// `ResultStore` in one SQLite file through GRDB: WAL mode, so readers never wait for the writer
/// and several processes (sweep shards, a server and a sweep) can share the file.
public final class SQLiteResultStore: ResultStore {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Opening switches the file to WAL mode, which SQLite refuses with SQLITE_BUSY (without
        // calling the busy handler) while another process opens it too: retry for up to 10 s. Two
        // processes may also race to apply the same migration: the loser retries and finds it done.
        var attempt = 0
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try StoreSchema.migrator.migrate(pool)
                self.pool = pool
                break
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < 100 {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.1)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && attempt < 3 {
                // Another process applied the same migration between our check and our write
                // ("duplicate column"); the next attempt sees it applied.
                attempt += 1
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        try pool.read(StoreSchema.check)
    }

    public var kind: String { "sqlite" }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func result(forKey key: RequestKey) async throws -> StoredResult? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM results WHERE key = ?", arguments: [key.hex]).map(StoredResult.init(row:))
        }
    }

    public func result(id: String) async throws -> StoredResult? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM results WHERE id = ?", arguments: [id]).map(StoredResult.init(row:))
        }
    }

    public func save(_ result: StoredResult) async throws {
        let arguments = try result.arguments()
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO results
                  (id, key, method, objective, problem, document, metrics, failure_kind, failure_message, solve_seconds, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
        }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(JobRecord.init(row:))
        }
    }

    public func save(_ job: JobRecord) async throws {
        let arguments = job.arguments()
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO jobs
                  (id, key, owner, method, objective, time_limit, status, progress, best_objective, gap, result_id,
                   failure_kind, failure_message, created_at, started_at, finished_at, lease_until, request, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET
                  key = excluded.key, owner = excluded.owner, method = excluded.method, objective = excluded.objective,
                  time_limit = excluded.time_limit, status = excluded.status, progress = excluded.progress,
                  best_objective = excluded.best_objective, gap = excluded.gap, result_id = excluded.result_id,
                  failure_kind = excluded.failure_kind, failure_message = excluded.failure_message,
                  created_at = excluded.created_at, started_at = excluded.started_at, finished_at = excluded.finished_at,
                  lease_until = MAX(COALESCE(jobs.lease_until, 0), COALESCE(excluded.lease_until, 0)),
                  request = COALESCE(excluded.request, jobs.request), attempts = MAX(jobs.attempts, excluded.attempts)
                WHERE jobs.owner = excluded.owner
                """, arguments: arguments)
        }
    }

    public func startJob(_ job: JobRecord) async throws -> JobRecord {
        let arguments = job.arguments()
        return try await pool.write { db in
            if let running = try Row.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE key = ? AND \(JobQueueSQL.joinable) AND lease_until >= ? ORDER BY created_at LIMIT 1
                """, arguments: [job.key, Date().timeIntervalSince1970]) {
                return try JobRecord(row: running)
            }
            try db.execute(sql: """
                INSERT INTO jobs
                  (id, key, owner, method, objective, time_limit, status, progress, best_objective, gap, result_id,
                   failure_kind, failure_message, created_at, started_at, finished_at, lease_until, request, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
            return job
        }
    }

    @discardableResult
    public func interruptUnfinishedJobs(owner: String) async throws -> Int {
        let failure = StoredFailure.interrupted
        let now = Date().timeIntervalSince1970
        return try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET status = ?, failure_kind = ?, failure_message = ?, finished_at = ?
                WHERE owner = ? AND status IN (?, ?)
                """, arguments: [JobStatus.failed.rawValue, failure.kind, failure.message, now, owner,
                                 JobStatus.queued.rawValue, JobStatus.running.rawValue])
            return db.changesCount
        }
    }

    public func renewLeases(owner: String, until: Date) async throws -> [String] {
        try await pool.write { db in
            try db.execute(sql: "UPDATE jobs SET lease_until = ? WHERE owner = ? AND \(JobQueueSQL.unfinished)",
                           arguments: [until.timeIntervalSince1970, owner])
            return try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE owner = ? AND cancel_requested AND \(JobQueueSQL.unfinished)",
                                       arguments: [owner])
        }
    }

    @discardableResult
    public func interruptExpiredJobs(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET status = \(JobQueueSQL.endedStatus), failure_kind = \(JobQueueSQL.endedFailureKind),
                  failure_message = \(JobQueueSQL.endedFailureMessage), finished_at = ?
                WHERE \(JobQueueSQL.unfinished) AND (lease_until IS NULL OR lease_until < ?) AND NOT (\(JobQueueSQL.resumable))
                """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func claimExpiredJobs(owner: String, now: Date, until: Date, limit: Int) async throws -> [JobRecord] {
        guard limit > 0 else { return [] }
        // One writer at a time: no other server can claim between this read and the update.
        return try await pool.write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM jobs WHERE \(JobQueueSQL.unfinished) AND (lease_until IS NULL OR lease_until < ?) AND \(JobQueueSQL.resumable)
                ORDER BY created_at LIMIT ?
                """, arguments: [now.timeIntervalSince1970, limit])
            return try ids.compactMap { id in
                try db.execute(sql: """
                    UPDATE jobs SET owner = ?, status = 'queued', lease_until = ?, started_at = NULL, progress = 0, attempts = attempts + 1
                    WHERE id = ?
                    """, arguments: [owner, until.timeIntervalSince1970, id])
                return try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(JobRecord.init(row:))
            }
        }
    }

    @discardableResult
    public func releaseQueuedJobs(ids: [String], owner: String) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await pool.write { db in
            var released = 0
            for id in ids {
                try db.execute(sql: "UPDATE jobs SET owner = '', lease_until = NULL, started_at = NULL, progress = 0, attempts = MAX(attempts - 1, 0) "
                               + "WHERE id = ? AND owner = ? AND status = 'queued'", arguments: [id, owner])
                released += db.changesCount
            }
            return released
        }
    }

    public func requestCancel(id: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE jobs SET cancel_requested = TRUE WHERE id = ?", arguments: [id])
        }
    }

    public func unfinishedJob(key: String, now: Date) async throws -> JobRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE key = ? AND \(JobQueueSQL.joinable) AND lease_until >= ? ORDER BY created_at LIMIT 1
                """, arguments: [key, now.timeIntervalSince1970])
                .map(JobRecord.init(row:))
        }
    }

    /// Moves everything from the write-ahead log into the database file, then closes.
    public func close() async throws {
        try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }
}

/// The tables and their migrations.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE results (
                  id TEXT PRIMARY KEY NOT NULL,
                  key TEXT UNIQUE,
                  method TEXT NOT NULL,
                  objective TEXT NOT NULL,
                  problem BLOB NOT NULL,
                  document BLOB,
                  metrics TEXT,
                  failure_kind TEXT,
                  failure_message TEXT,
                  solve_seconds REAL NOT NULL,
                  created_at REAL NOT NULL
                );
                CREATE TABLE jobs (
                  id TEXT PRIMARY KEY NOT NULL,
                  key TEXT NOT NULL,
                  owner TEXT NOT NULL,
                  method TEXT NOT NULL,
                  objective TEXT NOT NULL,
                  time_limit REAL,
                  status TEXT NOT NULL,
                  progress REAL NOT NULL,
                  best_objective REAL,
                  gap REAL,
                  result_id TEXT,
                  failure_kind TEXT,
                  failure_message TEXT,
                  created_at REAL NOT NULL,
                  started_at REAL,
                  finished_at REAL
                );
                CREATE INDEX jobs_by_owner_status ON jobs(owner, status);
                """)
        }
        migrator.registerMigration("v2 leases") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN lease_until REAL;
                ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX jobs_by_key_status ON jobs(key, status);
                """)
        }
        migrator.registerMigration("v3 resumable jobs") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN request BLOB;
                ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                """)
        }
        return migrator
    }
}

extension StoreSchema {
    /// The columns every table must have; a store whose tables were dropped or changed is refused at
    /// open, not discovered by the first request.
    static let columns: [String: Set<String>] = [
        "results": ["id", "key", "method", "objective", "problem", "document", "metrics", "failure_kind", "failure_message",
                    "solve_seconds", "created_at"],
        "jobs": ["id", "key", "owner", "method", "objective", "time_limit", "status", "progress", "best_objective", "gap",
                 "result_id", "failure_kind", "failure_message", "created_at", "started_at", "finished_at", "lease_until",
                 "cancel_requested", "request", "attempts"],
    ]

    static func check(_ db: Database) throws {
        for (table, expected) in columns.sorted(by: { $0.key < $1.key }) {
            guard try db.tableExists(table) else {
                throw StoreDecodingError(description: "the table \(table) is missing; the file is not a PipeSched store or was damaged")
            }
            let found = Set(try db.columns(in: table).map(\.name))
            let missing = expected.subtracting(found)
            guard missing.isEmpty else {
                throw StoreDecodingError(description: "the table \(table) lacks the columns \(missing.sorted().joined(separator: ", ")); the file is not a PipeSched store or was damaged")
            }
        }
    }
}

/// A stored row that cannot be read back (for example written by a newer PipeSched).
struct StoreDecodingError: Error, CustomStringConvertible {
    var description: String
}

extension StoredResult {
    init(row: Row) throws {
        let objectiveName: String = row["objective"]
        guard let objective = Objective(rawValue: objectiveName) else {
            throw StoreDecodingError(description: "result \(row["id"] as String): unknown objective \(objectiveName)")
        }
        let outcome: Outcome
        if let document = row["document"] as Data?, let metricsText = row["metrics"] as String? {
            // Bytes that do not decode are never served.
            guard (try? ScheduleDocument.decode(json: document)) != nil,
                  let metrics = try? JSONDecoder().decode(Metrics.self, from: Data(metricsText.utf8)) else {
                throw StoreDecodingError(description: "result \(row["id"] as String? ?? "?"): the stored schedule does not decode")
            }
            outcome = .schedule(document: document, metrics: metrics)
        } else {
            outcome = .failure(StoredFailure(kind: row["failure_kind"] ?? "unknown", message: row["failure_message"] ?? ""))
        }
        self.init(id: row["id"], key: (row["key"] as String?).map(RequestKey.init(hex:)), method: row["method"],
                  objective: objective, problem: row["problem"], outcome: outcome, solveSeconds: row["solve_seconds"],
                  createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    func arguments() throws -> StatementArguments {
        let columns = try columns()
        return [id, key?.hex, method, objective.rawValue, problem, columns.document, columns.metrics, columns.failure?.kind,
                columns.failure?.message, solveSeconds, createdAt.timeIntervalSince1970]
    }
}

extension JobRecord {
    init(row: Row) throws {
        let objectiveName: String = row["objective"], statusName: String = row["status"]
        guard let objective = Objective(rawValue: objectiveName), let status = JobStatus(rawValue: statusName) else {
            throw StoreDecodingError(description: "job \(row["id"] as String): unknown objective or status")
        }
        let failure = (row["failure_kind"] as String?).map { StoredFailure(kind: $0, message: row["failure_message"] ?? "") }
        self.init(id: row["id"], key: row["key"], owner: row["owner"], method: row["method"], objective: objective,
                  timeLimit: row["time_limit"], status: status, progress: row["progress"], bestObjective: row["best_objective"],
                  gap: row["gap"], resultID: row["result_id"], failure: failure,
                  createdAt: Date(timeIntervalSince1970: row["created_at"]),
                  startedAt: (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                  finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                  leaseUntil: (row["lease_until"] as Double?).map(Date.init(timeIntervalSince1970:)),
                  request: row["request"], attempts: row["attempts"])
    }

    func arguments() -> StatementArguments {
        [id, key, owner, method, objective.rawValue, timeLimit, status.rawValue, progress, bestObjective, gap, resultID,
         failure?.kind, failure?.message, createdAt.timeIntervalSince1970, startedAt?.timeIntervalSince1970,
         finishedAt?.timeIntervalSince1970, leaseUntil?.timeIntervalSince1970, request, attempts]
    }
}
