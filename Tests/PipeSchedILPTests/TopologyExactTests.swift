import CPSAT
import Foundation
import PipeSched
import PipeSchedILP
import Testing
@testable import PipeSchedCPSAT

/// The exact methods with devices grouped in nodes (a slower link between nodes): the ILP on CBC and
/// CP-SAT prove exhaustive search's optimum, never beat it, and never bound above it.
@Suite struct TopologyExactTests {
    static func problem(devices: Int, microbatches: Int, perNode: Int, interNode: Double, cap: Double? = nil) throws -> Problem {
        let base = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: UInt64(31 * devices + microbatches), cap: cap)
        return try base.with { $0.communication = Communication(latency: 0.25, topology: Topology(devicesPerNode: perNode, interNodeLatency: interNode)) }
    }

    @Test(arguments: [(2, 2, 1, 1.5, nil), (3, 2, 2, 2.0, nil), (3, 2, 1, 0.75, 5.0), (2, 3, 1, 3.0, 3.0)] as [(Int, Int, Int, Double, Double?)])
    func exactMethodsProveTheExhaustiveOptimum(devices: Int, microbatches: Int, perNode: Int, interNode: Double, cap: Double?) throws {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
        let problem = try Self.problem(devices: devices, microbatches: microbatches, perNode: perNode, interNode: interNode, cap: cap)
        for objective in Objective.allCases {
            let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(microbatchOrder: true))).optimum
            #expect(LowerBound.value(problem, objective: objective) <= reference * (1 + 1e-9))
            let cpsat = try CPSATSearch.solve(problem, objective: objective, settings: CPSATSettings(workers: 1), timeLimit: 20)
            let cpsatValue = try Evaluation(problem, cpsat.schedule, objective: objective)
            #expect(cpsatValue.isValid, "\(cpsatValue.issues)")
            #expect(cpsatValue.metrics.value(of: objective) >= reference * (1 - 1e-9))
            #expect((cpsat.provenBound ?? 0) <= reference * (1 + 1e-9))
            if cpsat.solver?.status == "optimal" { #expect(abs(cpsatValue.metrics.value(of: objective) - reference) <= 1e-9 * reference) }
            let ilp = try ILPSearch.solve(problem, objective: objective, settings: ILPSettings(solver: .cbc), timeLimit: 30)
            #expect(ilp.report.status == "optimal", "\(objective): \(ilp.report)")
            #expect(abs((ilp.report.objective ?? 0) - reference) <= 1e-9 * reference, "\(objective): ILP \(ilp.report) vs exhaustive \(reference)")
        }
    }
}
