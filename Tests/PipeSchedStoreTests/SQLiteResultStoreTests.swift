import Foundation
import PipeSched
import Testing
@testable import PipeSchedStore

/// The SQLite store: results by key and id, failures, jobs, interruption, reopening.
@Suite struct SQLiteResultStoreTests {
    let problem = StoreFixtures.problem()

    func solved(_ method: String = "1f1b", options: SolveOptions = SolveOptions()) throws -> (StoredResult, RequestKey) {
        let key = RequestKey(problem: problem, method: method, options: options)
        let solution = try Methods.solve(problem, method: method, options: options)
        return (try StoredResult(solution: solution, problem: problem, key: key, solveSeconds: 0.01), key)
    }

    @Test func savedResultIsFoundByKeyAndIdWithItsDocument() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        let (result, key) = try solved()
        try await store.save(result)
        let byKey = try #require(try await store.result(forKey: key))
        let byID = try #require(try await store.result(id: key.resultID))
        #expect(byKey == byID)
        #expect(byKey.document == result.document)
        #expect(byKey.metrics == result.metrics)
        let document = try #require(try byKey.scheduleDocument())
        #expect(document.method == "1f1b")
        #expect(try byKey.decodedProblem() == problem)
        try await store.close()
    }

    @Test func unknownKeyIsAMiss() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        #expect(try await store.result(forKey: RequestKey(problem: problem, method: "gpipe", options: SolveOptions())) == nil)
        #expect(try await store.result(id: "nothing") == nil)
        try await store.close()
    }

    @Test func savingTheSameKeyTwiceKeepsTheFirst() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        let (first, key) = try solved()
        var second = first
        second.solveSeconds = 99
        try await store.save(first)
        try await store.save(second)
        #expect(try await store.result(forKey: key)?.solveSeconds == first.solveSeconds)
        try await store.close()
    }

    @Test func partialResultsHaveNoKeyAndAreFoundOnlyById() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        let solution = try Methods.solve(problem, method: "greedy")
        let partial = try StoredResult(solution: solution, problem: problem, key: nil, solveSeconds: 1)
        try await store.save(partial)
        #expect(try await store.result(id: partial.id)?.key == nil)
        #expect(try await store.result(forKey: RequestKey(problem: problem, method: "greedy", options: SolveOptions())) == nil)
        try await store.close()
    }

    @Test func failuresAreStoredWithTheirKindAndMessage() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        let key = RequestKey(problem: problem, method: "zb-v", options: SolveOptions())
        let failure = StoredFailure(kind: "doesNotFit", message: "zb-v needs a V placement")
        try await store.save(StoredResult(failure: failure, problem: problem, method: "zb-v", objective: .stageSpan, key: key, solveSeconds: 0))
        let stored = try #require(try await store.result(forKey: key))
        #expect(stored.outcome == .failure(failure))
        #expect(stored.document == nil)
        try await store.close()
    }

    @Test func resultsSurviveReopening() async throws {
        let (store, path) = try StoreFixtures.temporaryStore()
        let (result, key) = try solved("zb-h1")
        try await store.save(result)
        try await store.close()
        let reopened = try SQLiteResultStore(path: path)
        #expect(try await reopened.result(forKey: key)?.document == result.document)
        try await reopened.close()
    }

    @Test func jobsAreReplacedById() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        var job = JobRecord(id: "job1", key: "k", owner: "here", method: "auto", objective: .stageSpan, timeLimit: 5)
        try await store.save(job)
        job.status = .succeeded
        job.resultID = "r1"
        job.bestObjective = 12.5
        job.finishedAt = Date()
        try await store.save(job)
        let stored = try #require(try await store.job(id: "job1"))
        #expect(stored.status == .succeeded)
        #expect(stored.resultID == "r1")
        #expect(stored.bestObjective == 12.5)
        #expect(stored.owner == "here")
        try await store.close()
    }

    @Test func unfinishedJobsOfTheOwnerAreMarkedInterrupted() async throws {
        let (store, _) = try StoreFixtures.temporaryStore()
        let mine = [JobStatus.queued, .running, .succeeded].enumerated().map {
            JobRecord(id: "mine\($0.offset)", key: "k", owner: "me", method: "auto", objective: .stageSpan, timeLimit: 1, status: $0.element)
        }
        let theirs = JobRecord(id: "theirs", key: "k", owner: "them", method: "auto", objective: .stageSpan, timeLimit: 1, status: .running)
        for job in mine + [theirs] { try await store.save(job) }
        #expect(try await store.interruptUnfinishedJobs(owner: "me") == 2)
        for id in ["mine0", "mine1"] {
            let job = try #require(try await store.job(id: id))
            #expect(job.status == .failed)
            #expect(job.failure == .interrupted)
            #expect(job.finishedAt != nil)
        }
        #expect(try await store.job(id: "mine2")?.status == .succeeded)
        #expect(try await store.job(id: "theirs")?.status == .running)
        try await store.close()
    }
}
