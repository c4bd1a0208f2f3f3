import Foundation
import PipeSched
import Testing
@testable import PipeSchedStore

/// What every `ResultStore` promises, checked on SQLite and on PostgreSQL: results by key and id,
/// jobs with owner fencing, one job per identical request, leases, takeover of expired jobs.
@Suite struct ResultStoreContractTests {
    let problem = StoreFixtures.problem()

    /// A job whose lease runs `lease` seconds from now (an hour by default: alive however slow the machine).
    func job(_ id: String, key: String = "k", owner: String = "me", status: JobStatus = .running, lease: Double? = 3600,
             request: Data? = Data("{}".utf8)) -> JobRecord {
        JobRecord(id: id, key: key, owner: owner, method: "auto", objective: .stageSpan, timeLimit: 5, status: status,
                  createdAt: Date(), leaseUntil: lease.map { Date().addingTimeInterval($0) }, request: request)
    }

    @Test(arguments: StoreBackend.tested)
    func resultsAreFoundByKeyAndIdAndTheFirstSavedWins(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.freshStore()
        let options = SolveOptions()
        let key = RequestKey(problem: problem, method: "1f1b", options: options)
        let stored = try StoredResult(solution: try Methods.solve(problem, method: "1f1b", options: options), problem: problem,
                                      key: key, solveSeconds: 0.25)
        try await store.save(stored)
        var second = stored
        second.solveSeconds = 99
        try await store.save(second)
        let byKey = try #require(try await store.result(forKey: key))
        #expect(byKey.document == stored.document)
        #expect(byKey.metrics == stored.metrics)
        #expect(byKey.solveSeconds == 0.25)
        #expect(try await store.result(id: key.resultID)?.key == key)
        #expect(try await store.result(id: "missing") == nil)
        let failureKey = RequestKey(problem: problem, method: "zb-v", options: options)
        let failure = StoredFailure(kind: "doesNotFit", message: "zb-v needs a V placement")
        try await store.save(StoredResult(failure: failure, problem: problem, method: "zb-v", objective: .stageSpan, key: failureKey, solveSeconds: 0))
        #expect(try await store.result(forKey: failureKey)?.outcome == .failure(failure))
        try await store.close()
    }

    @Test(arguments: StoreBackend.tested)
    func jobsRoundTripAndAStaleOwnersWritesAreIgnored(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.freshStore()
        var record = job("j1")
        record.bestObjective = 12.5
        try await store.save(record)
        let read = try #require(try await store.job(id: "j1"))
        #expect(read.owner == "me" && read.bestObjective == 12.5 && read.request == Data("{}".utf8) && read.status == .running)
        // Another server took the job over; the old owner's late write must not undo that.
        let claimed = try await store.claimExpiredJobs(owner: "other", now: Date().addingTimeInterval(3600),
                                                       until: Date().addingTimeInterval(7200), limit: 10)
        #expect(claimed.map(\.id) == ["j1"])
        record.status = .failed
        try await store.save(record)
        let after = try #require(try await store.job(id: "j1"))
        #expect(after.owner == "other" && after.status == .queued && after.attempts == 1)
        try await store.close()
    }

    @Test(arguments: StoreBackend.tested)
    func anIdenticalRequestJoinsTheUnfinishedJob(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.freshStore()
        let first = try await store.startJob(job("first", key: "same"))
        let second = try await store.startJob(job("second", key: "same", owner: "other server"))
        #expect(first.id == "first" && second.id == "first")
        try await store.requestCancel(id: "first")
        // A cancelled job is not joined: the next request starts afresh.
        #expect(try await store.startJob(job("third", key: "same")).id == "third")
        try await store.close()
    }

    @Test(arguments: StoreBackend.tested)
    func leaseRenewalReportsCancellationsRecordedElsewhere(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.save(job("a", lease: 1))
        try await store.save(job("b", lease: 1))
        try await store.requestCancel(id: "b")
        let until = Date().addingTimeInterval(600)
        #expect(try await store.renewLeases(owner: "me", until: until) == ["b"])
        let lease = try #require(try await store.job(id: "a")?.leaseUntil)
        #expect(abs(lease.timeIntervalSince(until)) < 0.01)
        try await store.close()
    }

    @Test(arguments: StoreBackend.tested)
    func expiredJobsAreTakenOverOrEndedByWhetherTheyCanRunAgain(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.save(job("resumable", key: "k1", lease: -1))
        try await store.save(job("no-request", key: "k2", lease: -1, request: nil))
        try await store.save(job("cancelled", key: "k3", lease: -1))
        try await store.requestCancel(id: "cancelled")
        var exhausted = job("exhausted", key: "k4", lease: -1)
        exhausted.attempts = JobRecord.maxAttempts
        try await store.save(exhausted)
        try await store.save(job("alive", key: "k5"))
        try await store.save(job("finished", key: "k6", status: .succeeded, lease: -1))
        #expect(try await store.interruptExpiredJobs(now: Date()) == 3)
        #expect(try await store.job(id: "no-request")?.failure == .interrupted)
        #expect(try await store.job(id: "exhausted")?.status == .failed)
        #expect(try await store.job(id: "cancelled")?.status == .cancelled)
        let claimed = try await store.claimExpiredJobs(owner: "heir", now: Date(), until: Date().addingTimeInterval(60), limit: 10)
        #expect(claimed.map(\.id) == ["resumable"])
        #expect(claimed.first?.owner == "heir" && claimed.first?.status == .queued && claimed.first?.attempts == 1)
        #expect(try await store.job(id: "alive")?.owner == "me")
        #expect(try await store.job(id: "finished")?.status == .succeeded)
        try await store.close()
    }

    @Test(arguments: StoreBackend.tested)
    func releasedQueuedJobsAreClaimedNextWithoutCountingAnAttempt(_ backend: StoreBackend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.save(job("waiting", key: "k1", status: .queued))
        try await store.save(job("running", key: "k2", status: .running))
        try await store.save(job("theirs", key: "k3", owner: "them", status: .queued))
        // Only this owner's queued jobs go back.
        #expect(try await store.releaseQueuedJobs(ids: ["waiting", "running", "theirs"], owner: "me") == 1)
        let claimed = try await store.claimExpiredJobs(owner: "heir", now: Date(), until: Date().addingTimeInterval(60), limit: 10)
        #expect(claimed.map(\.id) == ["waiting"])
        #expect(claimed.first?.attempts == 1)
        #expect(try await store.releaseQueuedJobs(ids: ["waiting"], owner: "heir") == 1)
        #expect(try await store.job(id: "waiting")?.attempts == 0)
        #expect(try await store.job(id: "running")?.owner == "me")
        try await store.close()
    }

    @Test(arguments: StoreBackend.tested)
    func concurrentClaimersNeverTakeTheSameJob(_ backend: StoreBackend) async throws {
        let (store, location) = try await backend.freshStore()
        for index in 0..<40 { try await store.save(job("j\(index)", key: "k\(index)", lease: -1)) }
        let other = try await StoreLocation(parsing: location).open()
        let later = Date().addingTimeInterval(60)
        async let one = Self.claimAll(store, owner: "one", until: later)
        async let two = Self.claimAll(other, owner: "two", until: later)
        let (first, second) = try await (one, two)
        #expect(Set(first).isDisjoint(with: second))
        #expect(Set(first + second).count == 40)
        try await other.close()
        try await store.close()
    }

    /// Claims in small batches until nothing is left.
    static func claimAll(_ store: any ResultStore, owner: String, until: Date) async throws -> [String] {
        var ids: [String] = []
        while true {
            let batch = try await store.claimExpiredJobs(owner: owner, now: Date(), until: until, limit: 3)
            if batch.isEmpty { return ids }
            ids += batch.map(\.id)
        }
    }

    @Test(arguments: StoreBackend.tested)
    func storesOpenedTogetherMigrateOnce(_ backend: StoreBackend) async throws {
        let location = try await backend.freshLocation()
        async let first = Task.detached { try await StoreLocation(parsing: location).open() }.value
        async let second = Task.detached { try await StoreLocation(parsing: location).open() }.value
        let stores = try await [first, second]
        try await stores[0].ping()
        try await stores[1].ping()
        for store in stores { try await store.close() }
    }
}
