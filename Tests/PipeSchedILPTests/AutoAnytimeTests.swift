import Testing
import PipeSched
import PipeSchedCPSAT

/// `auto`'s anytime phase on the real CP-SAT: with a time limit it runs CP-SAT windows from its best
/// schedule (a row of the candidate table, never a worse result); without one it does not.
@Suite struct AutoAnytimeTests {
    /// Capped tightly, so the heuristics stop above the core bound and the windows have work; too
    /// many microbatches for `auto`'s whole-problem prover, which would take the time otherwise.
    static let problem = ILPTestProblems.hetero(devices: 4, microbatches: 24, seed: 5, cap: 4)

    @Test func aTimeLimitAddsCPSATWindowsFromTheBest() throws {
        let registry = MethodRegistry.withExactMethods(cpsat: CPSATSettings(workers: 1))
        let quick = try registry.solveAuto(Self.problem, options: SolveOptions()).1
        #expect(!quick.candidates.contains { $0.method.hasPrefix("cpsat-window(") }, "auto without a time limit stays quick")

        #expect(!CPSATMethod.isSmallEnoughToProve(Self.problem))
        let (solution, report) = try registry.solveAuto(Self.problem, options: SolveOptions(timeLimit: 6))
        let window = try #require(report.candidates.first { $0.method.hasPrefix("cpsat-window(") },
                                  "no anytime row in \(report.candidates.map(\.method))")
        if case .scheduled(let value, _, _) = window.outcome {
            #expect(solution.evaluation.metrics.stageSpan <= value + 1e-9)
        }
        #expect(solution.evaluation.isValid)
        let quickValue = try #require(quick.best.flatMap { try? Evaluation(Self.problem, $0, objective: .stageSpan) })
        #expect(solution.evaluation.metrics.stageSpan <= quickValue.metrics.stageSpan + 1e-9)
    }
}
