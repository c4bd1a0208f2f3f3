import Foundation
import Logging
import PipeSchedStore
import PostgresNIO

/// Fresh, empty PostgreSQL databases for tests, on the throwaway cluster that `scripts/with-postgres`
/// starts (`make test` runs the tests under it): its URL comes in `PIPESCHED_TEST_POSTGRES_URL`.
/// Each test gets a database of its own, so tests running in parallel never see each other's jobs.
///
/// Outside CI the PostgreSQL tests are skipped when the variable is absent; in CI (`CI=true`) they
/// run and fail, so a CI that forgot to start the database cannot pass without testing it.
public enum ScratchPostgres {
    /// The cluster's URL (its `pipesched` database), if the tests run beside one.
    public static let baseURL = ProcessInfo.processInfo.environment["PIPESCHED_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL tests run: with a database, or in CI (where a missing one fails them).
    public static let enabled = baseURL != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "PIPESCHED_TEST_POSTGRES_URL is not set: run the tests through scripts/with-postgres (make test does), which starts a throwaway PostgreSQL"
        }
    }

    /// Creates an empty database and returns its `postgres://` URL.
    public static func makeDatabase() async throws -> String {
        guard let baseURL else { throw Missing() }
        let base = try PostgresLocation(url: baseURL)
        let name = "pipesched_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await execute("CREATE DATABASE \(name)", on: baseURL)
        return "postgres://\(base.username)@\(base.host):\(base.port)/\(name)?sslmode=disable"
    }

    /// Closes every other connection to the database at `url`, as a PostgreSQL restart or a
    /// failover would: the store's pool must open new ones.
    public static func dropConnections(to url: String) async throws {
        guard let baseURL else { throw Missing() }
        let database = try PostgresLocation(url: url).database
        // From the cluster's own database, so this works while the test database refuses connections.
        try await execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'", on: baseURL)
    }

    /// Runs one SQL statement on the database at `url`.
    public static func execute(_ sql: String, on url: String) async throws {
        let location = try PostgresLocation(url: url)
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                             password: location.password, database: location.database, tls: .disable)
        let logger = Logger(label: "pipesched.tests.postgres")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
