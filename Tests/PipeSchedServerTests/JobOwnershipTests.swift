import Foundation
import Hummingbird
import PipeSchedServer
import PipeSchedStore
import Testing

/// Issue 15, case 11: jobs belong to a process (identity plus lease), not to an address, so a
/// restarted server reclaims a dead one's jobs whatever its port; a cancel sent to any server
/// reaches the owner; identical requests share one job.
@Suite struct JobOwnershipTests {
    static let limits = ServerLimits(concurrentJobs: 2, queueLength: 8, shutdownGrace: 0.2, leaseSeconds: 0.6)
    /// For tests whose owner must stay alive: a lease long enough that a heartbeat delayed by a busy
    /// machine (the whole suite runs in parallel on 2 cores) does not let a live job look dead.
    static let liveLimits = ServerLimits(concurrentJobs: 2, queueLength: 8, shutdownGrace: 0.2, leaseSeconds: 6)

    @Test func aDeadServersJobsAreReclaimedWhateverItsAddress() async throws {
        let harness = ServerHarness(limits: Self.limits, owner: "new-process")
        let store = try SQLiteResultStore(path: harness.databasePath)
        // A server killed on another port: its owner name will never be seen again, its lease has run out.
        try await store.save(JobRecord(id: "orphan", key: "k", owner: "dead-host:8081", method: "ilp", objective: .stageSpan,
                                       timeLimit: 10, status: .running, leaseUntil: Date().addingTimeInterval(-1)))
        // A live server's job (lease valid) is left alone.
        try await store.save(JobRecord(id: "alive", key: "k2", owner: "other-live-process", method: "ilp", objective: .stageSpan,
                                       timeLimit: 10, status: .running, leaseUntil: Date().addingTimeInterval(3600)))
        try await store.close()
        try await harness.run { client in
            let orphan = try await client.get("/v1/jobs/orphan").object()
            #expect(orphan["status"] as? String == "failed")
            #expect((orphan["error"] as? [String: Any])?["kind"] as? String == "interrupted")
            #expect(try await client.get("/v1/jobs/alive").object()["status"] as? String == "running")
        }
    }

    @Test func aCancelSentToAnotherServerStopsTheJob() async throws {
        let owner = ServerHarness(limits: Self.liveLimits, owner: "owner-process")
        let other = ServerHarness(limits: Self.liveLimits, databasePath: owner.databasePath, owner: "other-process")
        try await owner.run { ownerClient in
            let id = try #require(try await ownerClient.post("/v1/solve", Fixtures.solve(method: "ilp-spin", extra: ["timeLimit": 120])).object()["id"] as? String)
            try await waitForStatus(ownerClient, id, "running")
            try await other.run { otherClient in
                let reply = try await otherClient.request(.delete, "/v1/jobs/\(id)")
                #expect([.ok, .accepted].contains(reply.status), "\(reply.text)")
            }
            let job = try await waitForJob(ownerClient, id)
            #expect(job["status"] as? String == "cancelled")
        }
    }

    @Test func identicalRequestsJoinOneJob() async throws {
        let first = ServerHarness(limits: Self.liveLimits, owner: "first-process")
        let second = ServerHarness(limits: Self.liveLimits, databasePath: first.databasePath, owner: "second-process")
        try await first.run { client in
            let body = Fixtures.solve(method: "ilp-spin", extra: ["timeLimit": 120])
            let one = try #require(try await client.post("/v1/solve", body).object()["id"] as? String)
            let two = try #require(try await client.post("/v1/solve", body).object()["id"] as? String)
            #expect(one == two)
            try await second.run { secondClient in
                let three = try await secondClient.post("/v1/solve", Fixtures.solve(method: "ilp-spin", extra: ["timeLimit": 120])).object()["id"] as? String
                #expect(three == one)
            }
            try await client.request(.delete, "/v1/jobs/\(one)")
        }
    }
}
