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
        try ExactReferee.checkILP(Self.problems(), solver: solver)
    }

    @Test func cpsatsClaimsHold() throws {
        try ExactReferee.checkCPSAT(Self.problems())
    }
}
