import Testing
@testable import PipeSched

/// `auto`'s local search phase: from the best candidate first, then, with the time a search that
/// reached a local optimum leaves, from the next best distinct candidates.
@Suite struct AutoLocalSearchTests {
    static func value(_ candidate: AutoSearch.Candidate) -> Double? {
        if case .scheduled(let value, _, _) = candidate.outcome { return value }
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
}
