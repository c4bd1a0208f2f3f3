import CPSAT
import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedCPSAT
@testable import PipeSchedILP

/// The exact models where messages occupy links (`Communication.transfer`): they assume free links
/// (each message's delay is `Problem.lag(of:to:)`), a relaxation, and measure their schedules by the
/// simulator, which makes messages wait. Against exhaustive search (which simulates the waits): their
/// bound never exceeds the optimum, their schedule is valid and never better than it, and "optimal"
/// is claimed only at the optimum.
@Suite struct LinkContentionExactTests {
    static func problems() throws -> [Problem] {
        try [(2, 2, 3, 2.0), (2, 2, 4, 1.0)].map { devices, microbatches, seed, transfer in
            let base = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: UInt64(seed))
            return try base.with { $0.communication = Communication(latency: 0.25, transfer: transfer, topology: nil) }
        }
    }

    @Test(arguments: [SolverKind.cbc, .glpk])
    func theILPsClaimsHold(solver: SolverKind) throws {
        for problem in try Self.problems() {
            for objective in Objective.allCases {
                let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 2_000_000))).optimum
                let outcome = try ILPSearch.solve(problem, objective: objective, settings: ILPSettings(solver: solver), timeLimit: 3)
                try ExactReferee.check(problem, objective, schedule: outcome.schedule, bound: outcome.provenBound, status: outcome.report.status, reference: reference)
            }
        }
    }

    @Test func cpsatsClaimsHold() throws {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
        for problem in try Self.problems() {
            for objective in Objective.allCases {
                let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 2_000_000))).optimum
                let output = try CPSATSearch.solve(problem, objective: objective, settings: CPSATSettings(workers: 1), timeLimit: 3)
                let report = try #require(output.solver)
                try ExactReferee.check(problem, objective, schedule: output.schedule, bound: output.provenBound, status: report.status, reference: reference)
            }
        }
    }
}
