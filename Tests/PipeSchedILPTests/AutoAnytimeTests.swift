import Testing
import PipeSched
import PipeSchedILP
@testable import PipeSchedCPSAT

/// `auto`'s anytime phase on the real CP-SAT: with a time limit it runs CP-SAT's whole model (given
/// a share of at least 5 s) and CP-SAT windows from its best schedule (rows of the candidate table,
/// never a worse result), and reports the bound the whole model proves; without a time limit it
/// does not.
@Suite struct AutoAnytimeTests {
    /// Capped tightly, so the heuristics stop above the core bound and the improvers have work; too
    /// many microbatches for `auto`'s whole-problem prover, which would take the time otherwise.
    static let problem = ILPTestProblems.hetero(devices: 4, microbatches: 24, seed: 5, cap: 4)
    static let registry = MethodRegistry.withExactMethods(cpsat: CPSATSettings(workers: 1))

    /// 6 s leave the improvers 3 s: too little for the whole model's share, so the windows take it.
    @Test func aTimeLimitAddsCPSATWindowsFromTheBest() throws {
        let quick = try Self.registry.solveAuto(Self.problem, options: SolveOptions()).1
        #expect(!quick.candidates.contains { $0.method.hasPrefix("cpsat(") || $0.method.hasPrefix("cpsat-window(") },
                "auto without a time limit stays quick")

        #expect(!CPSATMethod.isSmallEnoughToProve(Self.problem))
        let (solution, report) = try Self.registry.solveAuto(Self.problem, options: SolveOptions(timeLimit: 6))
        let window = try #require(report.candidates.first { $0.method.hasPrefix("cpsat-window(") },
                                  "no anytime row in \(report.candidates.map(\.method))")
        #expect(!report.candidates.contains { $0.method.hasPrefix("cpsat(") }, "the whole model's share would be under 5 s")
        if case .scheduled(let value, _, _, _) = window.outcome {
            #expect(solution.evaluation.metrics.stageSpan <= value + 1e-9)
        }
        #expect(solution.evaluation.isValid)
        let quickValue = try #require(quick.best.flatMap { try? Evaluation(Self.problem, $0, objective: .stageSpan) })
        #expect(solution.evaluation.metrics.stageSpan <= quickValue.metrics.stageSpan + 1e-9)
    }

    /// The whole model improves problems no larger than the window search's largest window; the
    /// windows, larger ones.
    @Test func theWholeModelImprovesProblemsWithinTheLargestWindow() {
        func improvers(_ problem: Problem) -> [String] { Self.registry.improvers.filter { $0.fits(problem) }.map(\.name) }
        #expect(OpTable(Self.problem).count <= CPSATWindowSearch.Settings().maximumPasses)
        #expect(improvers(Self.problem) == ["cpsat", "cpsat-window"])
        let large = ILPTestProblems.hetero(devices: 16, microbatches: 96, seed: 5, cap: 4)
        #expect(OpTable(large).count > CPSATWindowSearch.Settings().maximumPasses)
        #expect(improvers(large) == ["cpsat-window"])
    }

    /// Where the whole model proves the best optimal, `auto` reports that bound (5.6% above the
    /// core's here). With the windows left out, the whole model is the last improver and takes the
    /// time left whatever its share (CP-SAT proves this one in under a second).
    @Test func theBoundTheWholeModelProvesIsReported() throws {
        let problem = ILPTestProblems.hetero(devices: 3, microbatches: 18, seed: 9, cap: 4)
        #expect(!CPSATMethod.isSmallEnoughToProve(problem))
        let core = LowerBound.value(problem, objective: .stageSpan)
        let options = SolveOptions(timeLimit: 8, excludedCandidates: ["cpsat-window"])
        let (solution, report) = try Self.registry.solveAuto(problem, options: options)
        #expect(report.candidates.contains { $0.method.hasPrefix("cpsat(") }, "\(report.candidates.map(\.method))")
        let value = solution.evaluation.metrics.stageSpan
        let proven = try #require(report.provenBound)
        #expect(proven > core + 1, "core bound \(core), proven \(proven)")
        #expect(LowerBound.isMet(by: value, bound: proven), "value \(value), proven \(proven)")
    }
}
