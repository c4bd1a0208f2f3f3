import Testing
@testable import PipeSched

/// Exhaustive search as the referee of `auto` on a tiny problem, for both objectives: its schedule
/// is valid and never better than the optimum, its bound never above it, and a claimed optimum
/// (value at the bound) is the optimum. Problems too large for the referee are skipped.
enum AutoReferee {
    static func check(_ problem: Problem, timeLimit: Double = 0.2, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for objective in Objective.allCases {
            guard let reference = ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 50_000)) else { continue }
            let (solution, _) = try Methods.solveAuto(problem, options: SolveOptions(objective: objective, timeLimit: timeLimit))
            let value = solution.evaluation.metrics.value(of: objective)
            #expect(Validator.validate(problem, solution.evaluation.timeline).isEmpty, "\(problem.name)", sourceLocation: sourceLocation)
            #expect(value >= reference.optimum - 1e-9, "\(problem.name)", sourceLocation: sourceLocation)
            #expect(solution.evaluation.metrics.lowerBound <= reference.optimum + 1e-9, "\(problem.name)", sourceLocation: sourceLocation)
            if solution.evaluation.metrics.lowerBound >= value - 1e-9 {
                #expect(abs(value - reference.optimum) < 1e-9, "claimed optimal: \(problem.name)", sourceLocation: sourceLocation)
            }
        }
    }
}
