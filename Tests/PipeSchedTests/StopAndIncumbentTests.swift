import Foundation
import Synchronization
import Testing
@testable import PipeSched

/// `SolveOptions.shouldStop` ends searches early with a valid best-so-far schedule, and
/// `onIncumbent` reports every new best value.
@Suite struct StopAndIncumbentTests {
    /// A thread-safe list of reported values.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Double] = []
        func append(_ value: Double) { lock.withLock { values.append(value) } }
        var all: [Double] { lock.withLock { values } }
    }

    @Test func localSearchStopsAtOnceWhenAskedAndKeepsTheStart() throws {
        let problem = TestProblems.random(devices: 4, microbatches: 16, seed: 5)
        let start = try OneFOneB().build(problem)
        let search = LocalSearch(problem: problem, objective: .stageSpan, timeLimit: 60, maxEvaluations: 1_000_000, shouldStop: { true })
        let result = search.improve(start)
        #expect(result.evaluations == 0)
        #expect(result.schedule == start)
    }

    @Test func localSearchStopsSoonAfterTheFlagIsRaised() throws {
        let problem = TestProblems.random(devices: 6, microbatches: 24, seed: 8)
        let start = try GPipe().build(problem)
        let began = Date()
        let search = LocalSearch(problem: problem, objective: .stageSpan, timeLimit: 60, maxEvaluations: 1_000_000,
                                 shouldStop: { Date().timeIntervalSince(began) > 0.2 })
        let result = search.improve(start)
        #expect(Date().timeIntervalSince(began) < 5)
        #expect(try Evaluation(problem, result.schedule, objective: .stageSpan).isValid)
    }

    @Test func stoppedAutoStillReturnsAValidSchedule() throws {
        let problem = TestProblems.random(devices: 4, microbatches: 8, seed: 3)
        let solution = try Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: 60, shouldStop: { true }))
        #expect(solution.evaluation.isValid)
    }

    @Test func incumbentsOnlyImproveAndEndAtTheResult() throws {
        let problem = TestProblems.random(devices: 4, microbatches: 8, seed: 13)
        let reports = Reports()
        let options = SolveOptions(timeLimit: 1, onIncumbent: { reports.append($0) })
        let solution = try Methods.solve(problem, method: "local", options: options)
        let values = reports.all
        #expect(!values.isEmpty)
        #expect(zip(values, values.dropFirst()).allSatisfy { $1 <= $0 + 1e-9 })
        #expect(abs(values.last! - solution.evaluation.metrics.stageSpan) < 1e-9)
    }

    @Test func hooksDoNotTakePartInEquality() {
        let plain = SolveOptions(objective: .makespan, timeLimit: 3, seed: 4)
        let hooked = SolveOptions(objective: .makespan, timeLimit: 3, seed: 4, shouldStop: { false }, onIncumbent: { _ in })
        #expect(plain == hooked)
        #expect(plain.hashValue == hooked.hashValue)
    }
}

/// The greedy stops when asked (a client gone, a synchronous time limit): between policies and
/// inside one policy's run.
@Suite struct GreedyStopTests {
    @Test func aStoppedGreedyReturnsTheBestSoFarOrATimeLimitFailure() throws {
        let problem = TestProblems.unit(devices: 4, microbatches: 64)
        #expect(GreedySearch.best(problem, objective: .stageSpan, shouldStop: { true }) == nil)
        #expect(ListScheduler(problem: problem, policy: GreedyPolicy(), shouldStop: { true }).schedule() == nil)
        #expect(throws: SolveError.self) {
            _ = try Methods.solve(problem, method: "greedy", options: SolveOptions(timeLimit: 1, shouldStop: { true }))
        }
        // Stopped after a few polls: whatever was built is complete and valid.
        let polls = PollCounter(stopAfter: 3)
        if let result = GreedySearch.best(problem, objective: .stageSpan, shouldStop: { polls.next() }) {
            #expect(Validator.validate(problem, result.schedule).isEmpty)
        }
    }
}

/// A stop request that turns true after `stopAfter` polls.
final class PollCounter: Sendable {
    private let count = Atomic<Int>(0)
    private let limit: Int
    init(stopAfter limit: Int) { self.limit = limit }
    func next() -> Bool { count.add(1, ordering: .relaxed).newValue > limit }
}
