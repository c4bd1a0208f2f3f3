import CPSAT
import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedCPSAT
@testable import PipeSchedILP

/// The exact models where microbatches differ in cost (`MicrobatchScale`): the order in which a stage
/// takes its microbatches is no longer lossless to fix, so neither model fixes it
/// (`Problem.microbatchOrderIsLossless`). Against exhaustive search, which enumerates every order:
/// "optimal" equals the exhaustive optimum, the bound never exceeds it.
@Suite struct MicrobatchScaleExactTests {
    /// Heterogeneous costs, microbatches scaled 2, 0.5 and 1 (time) and 1, 1.5, 0.5 (memory), capped
    /// one microbatch's activations above the minimum when `capped`.
    static func problem(devices: Int, microbatches: Int, seed: UInt64, capped: Bool) throws -> Problem {
        let scales = [MicrobatchScale(time: 2, memory: 1), MicrobatchScale(time: 0.5, memory: 1.5), MicrobatchScale(time: 1, memory: 0.5)]
        let base = try ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: seed).with {
            $0.microbatchScales = Array(scales.prefix(microbatches))
        }
        guard capped else { return base }
        return try base.withMemoryLimit((0..<devices).map { base.minimumMemory(device: $0) + 1 })
    }

    /// Two devices, microbatch 0 four times as long as microbatch 1: only schedules that send the
    /// short one first are optimal.
    static func orderMatters() throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -1, backwardWeight: 0))
        return try Problem(name: "order-matters", microbatches: 2, devices: 2, stages: [stage, stage],
                           microbatchScales: [MicrobatchScale(time: 4, memory: 1), .one])
    }

    static let cases: [(devices: Int, microbatches: Int, seed: UInt64, capped: Bool)] = [
        (2, 2, 3, false), (2, 2, 4, true), (2, 2, 5, true), (3, 2, 6, true),
    ]

    static func problems() throws -> [Problem] {
        try [orderMatters()] + cases.map { try problem(devices: $0.devices, microbatches: $0.microbatches, seed: $0.seed, capped: $0.capped) }
    }

    @Test(arguments: [SolverKind.cbc, .glpk])
    func theILPProvesTheExhaustiveOptimum(solver: SolverKind) throws {
        let problems = try Self.problems()
        for problem in problems { #expect(!problem.microbatchOrderIsLossless(choosingActions: false)) }
        try ExactReferee.checkILP(problems, solver: solver, timeLimit: 30, mustProve: true)
    }

    @Test func cpsatProvesTheExhaustiveOptimum() throws {
        try ExactReferee.checkCPSAT(Self.problems(), timeLimit: 30, mustProve: true)
    }
}
