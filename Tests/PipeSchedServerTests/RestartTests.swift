import Foundation
import Hummingbird
import PipeSchedServer
import PipeSchedStore
import Testing

/// A second server on the same SQLite file finds the first one's results and jobs; jobs cut off by
/// a stop are never left running.
@Suite struct RestartTests {
    @Test func resultsSurviveARestart() async throws {
        let first = ServerHarness()
        let id = try await first.run { client in
            try #require(try await client.post("/v1/solve", Fixtures.solve(method: "zb-h2")).object()["id"] as? String)
        }
        try await ServerHarness(databasePath: first.databasePath).run { client in
            #expect(try await client.get("/v1/schedules/\(id)").status == .ok)
            let again = try await client.post("/v1/solve", Fixtures.solve(method: "zb-h2")).object()
            #expect(again["cached"] as? Bool == true)
            #expect(again["id"] as? String == id)
        }
    }

    @Test func jobRunningAtShutdownIsStoppedWithItsIncumbentAndFoundAfterRestart() async throws {
        let first = ServerHarness(limits: ServerLimits(concurrentJobs: 1, queueLength: 4, shutdownGrace: 0.2))
        let id = try await first.run { client in
            let id = try #require(try await client.post("/v1/solve", Fixtures.solve(method: "ilp-spin", extra: ["timeLimit": 120])).object()["id"] as? String)
            try await waitForStatus(client, id, "running")
            return id
        }
        try await ServerHarness(databasePath: first.databasePath).run { client in
            let job = try await client.get("/v1/jobs/\(id)").object()
            #expect(job["status"] as? String == "cancelled")
            #expect((job["error"] as? [String: Any])?["kind"] as? String == "shutdown")
            let scheduleID = try #require(job["scheduleId"] as? String)
            #expect(try await client.get("/v1/schedules/\(scheduleID)").status == .ok)
        }
    }

    @Test func jobsLeftRunningByACrashAreMarkedInterrupted() async throws {
        let harness = ServerHarness()
        // A crashed server leaves rows saying "running"; the store is all that remains of it.
        let store = try SQLiteResultStore(path: harness.databasePath)
        for (id, status) in [("crashed-running", JobStatus.running), ("crashed-queued", .queued)] {
            try await store.save(JobRecord(id: id, key: "k", owner: "test-server", method: "auto", objective: .stageSpan,
                                           timeLimit: 10, status: status))
        }
        try await store.close()
        try await harness.run { client in
            for id in ["crashed-running", "crashed-queued"] {
                let job = try await client.get("/v1/jobs/\(id)").object()
                #expect(job["status"] as? String == "failed")
                #expect((job["error"] as? [String: Any])?["kind"] as? String == "interrupted")
            }
        }
    }
}
