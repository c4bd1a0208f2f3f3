import CPSAT
import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedCPSAT
@testable import PipeSchedILP

/// The exact models on two pipelines in opposite directions (`Problem.pipelines`): they measure a
/// device's span from its lowest stage's forward, which another pipeline's forward may precede, so
/// their stageSpan is a relaxation there. Against exhaustive search: their bound never exceeds the
/// optimum, their schedule is valid and never better than it, and "optimal" is claimed only at it
/// (a second each: the claims must hold whenever the search stops).
@Suite struct PipelinesExactTests {
    static func problems() throws -> [Problem] {
        try [(2, 1, 3, 0.0, 0.5), (2, 1, 4, 0.5, 1.0), (2, 1, 5, 0.25, 0.0), (2, 1, 6, 0.0, 0.0)].map { devices, microbatches, seed, latency, headroom in
            let copy = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: UInt64(seed)).stages
            let unlimited = try Problem(name: "bidirectional-\(seed)", microbatches: microbatches, devices: devices, placement: .v,
                                        stages: copy + copy.reversed(), communication: Communication(latency: latency), pipelines: 2)
            guard headroom > 0 else { return unlimited }
            return try unlimited.withMemoryLimit((0..<devices).map { unlimited.minimumMemory(device: $0) + headroom })
        }
    }

    @Test(arguments: [SolverKind.cbc, .glpk])
    func theILPsClaimsHold(solver: SolverKind) throws {
        try ExactReferee.checkILP(Self.problems(), solver: solver, timeLimit: 1)
    }

    @Test func cpsatsClaimsHold() throws {
        try ExactReferee.checkCPSAT(Self.problems(), timeLimit: 1)
    }
}
