import Foundation
import PipeSched
import PostgresTestSupport
import Testing
@testable import PipeSchedStore

/// The PostgreSQL store outlives its connections: after the server drops them all (a restart, a
/// failover, an idle-connection reaper), the next calls open new ones.
@Suite(.enabled(if: ScratchPostgres.enabled, "needs PIPESCHED_TEST_POSTGRES_URL (make test starts PostgreSQL)"))
struct PostgresReconnectTests {
    @Test func theStoreReconnectsAfterTheServerDropsItsConnections() async throws {
        let url = try await ScratchPostgres.makeDatabase()
        let store = try await StoreLocation(parsing: url).open()
        try await store.save(JobRecord(id: "before", key: "k", method: "auto", objective: .stageSpan, timeLimit: 1))
        try await ScratchPostgres.dropConnections(to: url)
        // The first call may meet a dropped connection; the pool replaces it, so a retry succeeds.
        var reached = false
        for _ in 0..<3 where !reached {
            reached = (try? await store.job(id: "before")) != nil
        }
        #expect(reached)
        #expect(try await store.job(id: "before")?.key == "k")
        try await store.close()
    }

    @Test func aDatabaseMigratedByANewerVersionIsRefused() async throws {
        let url = try await ScratchPostgres.makeDatabase()
        let store = try await StoreLocation(parsing: url).open()
        try await store.close()
        try await ScratchPostgres.execute("INSERT INTO pipesched_migrations (version, name) VALUES (999, 'future')", on: url)
        await #expect(throws: StoreUnavailable.self) { try await StoreLocation(parsing: url).open() }
    }
}
