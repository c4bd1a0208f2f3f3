import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// The window search (large-neighbourhood search with the ILP).
@Suite struct WindowSearchTests {
    /// GPipe with split backward: all forwards, then all backwards; far from optimal.
    func poorStart(_ problem: Problem) throws -> Evaluation {
        let orders = problem.deviceStages.map { stages in
            stages.flatMap { s in (0..<problem.microbatches).map { Op.forward(s, $0) } }
                + stages.flatMap { s in (0..<problem.microbatches).flatMap { [Op.backwardInput(s, $0), Op.backwardWeight(s, $0)] } }
        }
        return try Evaluation(problem, Schedule(orders: orders), objective: .stageSpan)
    }

    /// 20 s: CBC solves hold one process-wide lock, so under a loaded parallel test run the windows
    /// may wait for other tests' solves (6 s was seen to end with no window solved in time).
    @Test(arguments: [SolverKind.glpk, .cbc])
    func improvesAPoorStartAndStaysValid(solver: SolverKind) throws {
        let problem = ILPTestProblems.hetero(devices: 4, microbatches: 8, seed: 3)
        let start = try poorStart(problem)
        let outcome = try WindowSearch.improve(start, problem: problem, objective: .stageSpan, settings: ILPSettings(solver: solver),
                                               window: WindowSettings(initialPassesPerDevice: 6, windowTimeLimit: 2), timeLimit: 20)
        let evaluation = try Evaluation(problem, outcome.schedule, objective: .stageSpan)
        #expect(evaluation.isValid)
        #expect(evaluation.metrics.stageSpan < start.metrics.stageSpan - 1, "\(outcome.report)")
        #expect(outcome.report.subproblems ?? 0 > 0)
    }
}
