import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// The full ILP on a grid of tiny problems: both solvers agree, the schedule is valid, it is never
/// worse than any builder's, and it matches exhaustive search.
@Suite struct ILPOptimalityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var devices: Int, microbatches: Int, capped: Bool
        var testDescription: String { "p\(devices) m\(microbatches)\(capped ? " capped" : "")" }

        var problem: Problem {
            // A cap of 2 + 2·(devices − 1) leaves room for fewer microbatches in flight than 1F1B's warm-up on device 0.
            ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: UInt64(10 * devices + microbatches),
                                   cap: capped ? Double(2 * devices) - 1 : nil)
        }
    }

    static let grid: [Case] = [2, 3].flatMap { p in (2...5).flatMap { m in [false, true].map { Case(devices: p, microbatches: m, capped: $0) } } }

    func solve(_ problem: Problem, _ solver: SolverKind, objective: Objective = .stageSpan) throws -> (ILPOutcome, Evaluation) {
        let outcome = try ILPSearch.solve(problem, objective: objective, settings: ILPSettings(solver: solver), timeLimit: 20)
        return (outcome, try Evaluation(problem, outcome.schedule, objective: objective))
    }

    @Test(arguments: grid)
    func glpkAndCbcProveTheSameOptimumAndBeatEveryBuilder(_ testCase: Case) throws {
        let problem = testCase.problem
        let (glpk, glpkEvaluation) = try solve(problem, .glpk)
        let (cbc, cbcEvaluation) = try solve(problem, .cbc)
        #expect(glpk.report.status == "optimal", "\(glpk.report)")
        #expect(cbc.report.status == "optimal", "\(cbc.report)")
        #expect(glpkEvaluation.isValid, "\(glpkEvaluation.issues)")
        #expect(cbcEvaluation.isValid, "\(cbcEvaluation.issues)")
        let optimum = cbcEvaluation.metrics.stageSpan
        #expect(abs(glpkEvaluation.metrics.stageSpan - optimum) <= 1e-6 * optimum)
        #expect(abs((cbc.report.bestBound ?? 0) - optimum) <= 1e-6 * optimum)
        if HiGHSSolver.isAvailable {
            let (highs, highsEvaluation) = try solve(problem, .highs)
            #expect(highs.report.status == "optimal", "\(highs.report)")
            #expect(highsEvaluation.isValid)
            #expect(abs(highsEvaluation.metrics.stageSpan - optimum) <= 1e-6 * optimum)
        }
        for method in Methods.all where method.name != "auto" && method.fits(problem) {
            guard let solution = try? Methods.solve(problem, method: method.name, options: SolveOptions(timeLimit: 0.2)) else { continue }
            #expect(optimum <= solution.evaluation.metrics.stageSpan + 1e-9, "\(method.name) beats the ILP")
        }
    }

    @Test(arguments: [(2, 2, false), (2, 3, false), (2, 3, true), (3, 2, false), (3, 2, true)])
    func optimumMatchesExhaustiveSearch(devices: Int, microbatches: Int, capped: Bool) throws {
        let problem = Case(devices: devices, microbatches: microbatches, capped: capped).problem
        for objective in Objective.allCases {
            // Every order with microbatches in order within each (stage, kind), fused and split backward
            // passes: in-order loses nothing (ExhaustiveRefereeTests checks that claim over all orders).
            let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(microbatchOrder: true))).optimum
            let (outcome, evaluation) = try solve(problem, .cbc, objective: objective)
            #expect(abs(evaluation.metrics.value(of: objective) - reference) <= 1e-9 * reference, "\(objective): \(outcome.report)")
            #expect(outcome.report.status == "optimal")
        }
    }

    @Test func withoutAWarmStartTheSolverFindsTheSameOptimum() throws {
        let problem = Case(devices: 3, microbatches: 3, capped: true).problem
        let frame = ProblemFrame(problem, objective: .stageSpan)
        var graph = frame.baseGraph
        let horizon = frame.trivialHorizon
        let windows = try #require(TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon),
                                                       loads: frame.deviceLoads, tolerance: 1e-6 * horizon))
        let formulation = ScheduleFormulation(problem: problem, objective: .stageSpan, graph: graph, anchors: frame.anchors,
                                              loads: frame.deviceLoads, windows: windows, horizon: horizon, lowerBound: frame.lowerBound)
        let result = try CBCSolver().solve(formulation.model, options: MILPOptions(timeLimit: 20))
        #expect(result.status == .optimal)
        let evaluation = try Evaluation(problem, formulation.schedule(from: result.values), objective: .stageSpan)
        let (_, warmStarted) = try solve(problem, .cbc)
        #expect(evaluation.isValid)
        #expect(abs(evaluation.metrics.stageSpan - warmStarted.metrics.stageSpan) <= 1e-9 * evaluation.metrics.stageSpan)
        #expect(abs(result.objective! - evaluation.metrics.stageSpan) <= 1e-6 * evaluation.metrics.stageSpan)
    }
}
