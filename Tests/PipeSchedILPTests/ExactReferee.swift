import CPSAT
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedCPSAT
@testable import PipeSchedILP

/// Exhaustive search as the referee of an exact method's claims on one tiny problem: the schedule is
/// valid and never better than the exhaustive optimum `reference`, the proven bound never above it,
/// and "optimal" only at it; with `mustProve`, the method must also claim "optimal".
enum ExactReferee {
    static func check(_ problem: Problem, _ objective: Objective, schedule: Schedule, bound: Double?, status: String,
                      reference: Double, mustProve: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let evaluation = try Evaluation(problem, schedule, objective: objective)
        let value = evaluation.metrics.value(of: objective)
        #expect(evaluation.isValid, "\(problem.name): \(evaluation.issues)", sourceLocation: sourceLocation)
        #expect((bound ?? 0) <= reference * (1 + 1e-9), "\(problem.name) \(objective): bound \(bound ?? 0) > \(reference)", sourceLocation: sourceLocation)
        #expect(value >= reference * (1 - 1e-9), sourceLocation: sourceLocation)
        if mustProve { #expect(status == "optimal", "\(problem.name) \(objective): \(status)", sourceLocation: sourceLocation) }
        if status == "optimal" {
            #expect(abs(value - reference) <= 1e-6 * reference, "\(problem.name) \(objective): optimal \(value), exhaustive \(reference)",
                    sourceLocation: sourceLocation)
        }
    }
}

extension ExactReferee {
    /// The ILP on every problem and objective, its claims checked against exhaustive search.
    static func checkILP(_ problems: [Problem], solver: SolverKind, timeLimit: Double = 3, mustProve: Bool = false,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        for problem in problems {
            for objective in Objective.allCases {
                let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 2_000_000)),
                                             sourceLocation: sourceLocation).optimum
                let outcome = try ILPSearch.solve(problem, objective: objective, settings: ILPSettings(solver: solver), timeLimit: timeLimit)
                try check(problem, objective, schedule: outcome.schedule, bound: outcome.provenBound, status: outcome.report.status,
                          reference: reference, mustProve: mustProve, sourceLocation: sourceLocation)
            }
        }
    }

    /// CP-SAT (one worker) on every problem and objective, its claims checked against exhaustive search.
    static func checkCPSAT(_ problems: [Problem], timeLimit: Double = 3, mustProve: Bool = false,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)", sourceLocation: sourceLocation)
        for problem in problems {
            for objective in Objective.allCases {
                let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 2_000_000)),
                                             sourceLocation: sourceLocation).optimum
                let output = try CPSATSearch.solve(problem, objective: objective, settings: CPSATSettings(workers: 1), timeLimit: timeLimit)
                let report = try #require(output.solver, sourceLocation: sourceLocation)
                try check(problem, objective, schedule: output.schedule, bound: output.provenBound, status: report.status,
                          reference: reference, mustProve: mustProve, sourceLocation: sourceLocation)
            }
        }
    }
}
