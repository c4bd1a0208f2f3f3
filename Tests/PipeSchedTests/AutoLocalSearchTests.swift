import Foundation
import Testing
import Synchronization
@testable import PipeSched

/// `auto`'s local search phase: from the best candidate first, then, on the other cores and with
/// the time a search that reached a local optimum leaves, from the next best distinct candidates and
/// with further seeds (`LocalSearchPhase`).
@Suite struct AutoLocalSearchTests {
    static func value(_ candidate: AutoSearch.Candidate) -> Double? {
        if case .scheduled(let value, _, _, _) = candidate.outcome { return value }
        return nil
    }

    @Test func timeALocalOptimumLeavesGoesToTheNextBestCandidates() throws {
        // Capped so that no candidate meets the lower bound (auto would stop there), loosely enough for
        // several candidates.
        let problem = try GreedyTests.capped(TestProblems.random(devices: 4, microbatches: 8, seed: 5), factor: 1.25)
        let (solution, report) = try Methods.standard.solveAuto(problem, options: SolveOptions(timeLimit: 2))
        let rows = report.candidates
        let firstLocal = try #require(rows.firstIndex { $0.method.hasPrefix("local(") })
        // The candidates before the phase, best first (ties to the earlier, as `auto` keeps them).
        let ranked = rows[..<firstLocal].compactMap { row in Self.value(row).map { (row.method, $0) } }
            .enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element)
        let locals = rows[firstLocal...].filter { $0.method.hasPrefix("local(") }
        #expect(locals.first?.method == "local(\(ranked[0].0))", "the first search starts from the best: \(rows.map(\.method))")
        #expect(locals.count >= 2, "a tiny problem's search ends early and leaves time to others: \(locals.map(\.method))")
        // Each later start is a candidate of its own, searched once.
        #expect(Set(locals.map(\.method)).count == locals.count)
        let found = locals.compactMap(Self.value)
        let value = solution.evaluation.metrics.value(of: .stageSpan)
        #expect(found.allSatisfy { value <= $0 + 1e-9 }, "auto keeps the best of them")
    }

    /// On several cores the searches start together from the best candidates, come back in the
    /// order they were taken, valid, and the caller sees incumbents only improve (a later search's
    /// worse value is not reported after a better one), whatever order the cores finish in.
    @Test(arguments: [1, 2, 3])
    func searchesOnEveryCoreReportOnlyImprovingIncumbents(lanes: Int) throws {
        let problem = try GreedyTests.capped(TestProblems.random(devices: 4, microbatches: 8, seed: 5), factor: 1.25)
        // Valid starts, as auto's candidates are.
        let starts = try ["greedy", "zb-greedy", "1f1b", "zb-h1"].map { name in
            (name: name, schedule: try Methods.standard.named(name)!.schedule(problem, options: SolveOptions()))
        }.filter { ScheduleScore(problem, $0.schedule, objective: .stageSpan) != nil }
        try #require(starts.count >= 3)
        let values = starts.compactMap { ScheduleScore(problem, $0.schedule, objective: .stageSpan)?.value }
        let told = Mutex<[Double]>([])
        let options = SolveOptions(timeLimit: 1, onIncumbent: { value in told.withLock { $0.append(value) } })
        var phase = LocalSearchPhase(problem: problem, options: options, starts: starts, end: Date().addingTimeInterval(1),
                                     incumbent: values.min()!)
        phase.lanes = lanes
        let searches = phase.run()
        let order = LocalSearchPhase.searchOrder(starts: starts.count, lanes: lanes)
        #expect(searches.map { "\($0.start) \($0.seed)" } == order.prefix(searches.count).map { "\(starts[$0.start].name) \(1 + UInt64($0.round))" },
                "in the order they were taken")
        #expect(searches.count >= min(lanes, starts.count))
        #expect(Set(searches.map { $0.row(baseSeed: 1) }).count == searches.count, "each search has a row of its own")
        for search in searches {
            #expect(Validator.validate(problem, search.schedule).isEmpty, "\(search.start)")
        }
        let reported = told.withLock { $0 }
        #expect(zip(reported, reported.dropFirst()).allSatisfy { $0.1 < $0.0 }, "incumbents only improve: \(reported) from starts \(values)")
        let found = searches.compactMap { ScheduleScore(problem, $0.schedule, objective: .stageSpan)?.value }.min()!
        #expect(reported.last.map { abs($0 - found) <= 1e-9 } ?? (found >= values.min()! - 1e-9), "the last incumbent is the best found")
    }

    /// The order of the searches: the first `lanes` starts, then rounds of those with the next seed,
    /// each followed by one start not searched yet, until every start has had its first search.
    @Test func theSearchOrderRepeatsTheBestStartsWithNewSeedsAndReachesEveryStart() {
        let order = LocalSearchPhase.searchOrder(starts: 4, lanes: 2, limit: 12)
        #expect(order.map { "\($0.start):\($0.round)" } == ["0:0", "1:0", "0:1", "1:1", "2:0", "0:2", "1:2", "3:0", "0:3", "1:3", "0:4", "1:4"])
        #expect(LocalSearchPhase.searchOrder(starts: 1, lanes: 2, limit: 3).map { "\($0.start):\($0.round)" } == ["0:0", "0:1", "0:2"])
        let many = LocalSearchPhase.searchOrder(starts: 30, lanes: 3, limit: 4096)
        #expect(Set(many.filter { $0.round == 0 }.map(\.start)) == Set(0..<30), "every start gets its first search")
        // A phase is at most `maximumSearches` rows of auto's table.
        #expect(LocalSearchPhase.searchOrder(starts: 30, lanes: 3).count == LocalSearchPhase.maximumSearches)
    }
}
