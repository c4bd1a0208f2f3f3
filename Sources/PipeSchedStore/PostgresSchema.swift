import Logging
import PostgresNIO

/// The PostgreSQL tables and their migrations: numbered steps applied in order, each in its own
/// transaction and recorded in `pipesched_migrations`, under an advisory lock so servers and sweep
/// shards starting together apply each step once. The tables hold what SQLite's do (`StoreSchema`),
/// in PostgreSQL's types (`bytea`, `timestamptz`, `boolean`).
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "results and jobs", statements: [
            """
            CREATE TABLE results (
              id TEXT PRIMARY KEY,
              key TEXT UNIQUE,
              method TEXT NOT NULL,
              objective TEXT NOT NULL,
              problem BYTEA NOT NULL,
              document BYTEA,
              metrics TEXT,
              failure_kind TEXT,
              failure_message TEXT,
              solve_seconds DOUBLE PRECISION NOT NULL,
              created_at TIMESTAMPTZ NOT NULL
            )
            """,
            """
            CREATE TABLE jobs (
              id TEXT PRIMARY KEY,
              key TEXT NOT NULL,
              owner TEXT NOT NULL,
              method TEXT NOT NULL,
              objective TEXT NOT NULL,
              time_limit DOUBLE PRECISION,
              status TEXT NOT NULL,
              progress DOUBLE PRECISION NOT NULL,
              best_objective DOUBLE PRECISION,
              gap DOUBLE PRECISION,
              result_id TEXT,
              failure_kind TEXT,
              failure_message TEXT,
              created_at TIMESTAMPTZ NOT NULL,
              started_at TIMESTAMPTZ,
              finished_at TIMESTAMPTZ,
              lease_until TIMESTAMPTZ,
              cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
              request BYTEA,
              attempts INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX jobs_by_owner_status ON jobs (owner, status)",
            "CREATE INDEX jobs_by_key_status ON jobs (key, status)",
            "CREATE INDEX jobs_unfinished_by_lease ON jobs (lease_until) WHERE \(JobQueueSQL.unfinished)",
        ]),
    ]

    /// An arbitrary constant naming the advisory lock of migrations.
    static let lockID = 0x7069_7065_7363_6864 as Int64

    /// Applies the migrations this database lacks. Refuses a database migrated by a newer PipeSched.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_lock(\(lockID))", logger: logger)
        do {
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS pipesched_migrations (
                  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM pipesched_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > migrations.map(\.version).max() ?? 0 {
                throw StoreDecodingError(description: "the database was migrated by a newer PipeSched (schema version \(newest)); upgrade PipeSched")
            }
            for migration in migrations where !applied.contains(migration.version) {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO pipesched_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                }
            }
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockID))", logger: logger)
            throw error
        }
        try await connection.query("SELECT pg_advisory_unlock(\(lockID))", logger: logger)
    }
}
