import CLITestSupport
import CPSAT
import Foundation
import PipeSched
import PipeSchedILP
import Testing
@testable import PipeSchedCPSAT

/// `cpsat` against exhaustive search (every order, fused and split backward passes): its
/// "optimal" is never beaten, its bound never exceeds the optimum, its schedule is valid. The
/// OR-Tools library comes with `make deps`; these tests require it (they never skip).
@Suite struct CPSATOptimalityTests {
    static let settings = CPSATSettings(workers: 1)

    func solve(_ problem: Problem, objective: Objective = .stageSpan) throws -> (MethodOutput, Evaluation) {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
        let output = try CPSATSearch.solve(problem, objective: objective, settings: Self.settings, timeLimit: 20)
        return (output, try Evaluation(problem, output.schedule, objective: objective))
    }

    @Test(arguments: [(2, 2, false), (2, 3, false), (2, 3, true), (3, 2, false), (3, 2, true), (2, 4, true)])
    func provesTheExhaustiveOptimum(devices: Int, microbatches: Int, capped: Bool) throws {
        let problem = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: UInt64(10 * devices + microbatches),
                                             cap: capped ? Double(2 * devices) - 1 : nil)
        for objective in Objective.allCases {
            let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(microbatchOrder: true))).optimum
            let (output, evaluation) = try solve(problem, objective: objective)
            let report = try #require(output.solver)
            #expect(evaluation.isValid, "\(evaluation.issues)")
            #expect(report.status == "optimal", "\(objective): \(report)")
            #expect(abs(evaluation.metrics.value(of: objective) - reference) <= 1e-9 * reference, "\(objective): \(report)")
            #expect(try #require(output.provenBound) <= reference * (1 + 1e-9))
            #expect(report.gap == 0 && report.objective == evaluation.metrics.value(of: objective))
        }
    }

    /// V placement (two stages per device, the turn on the last device), capped and not: the same
    /// optimum as the ILP proves on CBC (itself refereed by exhaustive search in ILPOptimalityTests).
    @Test(arguments: [nil, 6.0])
    func provesSmallVProblemsLikeTheILP(cap: Double?) throws {
        let problem = ILPTestProblems.hetero(devices: 2, microbatches: 3, seed: 7, cap: cap, placement: .v, chunks: 2)
        let ilp = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: 30)
        try #require(ilp.report.status == "optimal")
        let (output, evaluation) = try solve(problem)
        #expect(evaluation.isValid)
        #expect(output.solver?.status == "optimal", "\(String(describing: output.solver))")
        #expect(abs(evaluation.metrics.stageSpan - ilp.report.objective!) <= 1e-9 * evaluation.metrics.stageSpan)
    }

    /// Which reservoir forms `cpsat` solves in turn: expanded alone up to 32 passes per device;
    /// devices holding several stages up to 128 try expanded, then unexpanded; the rest unexpanded.
    @Test func theReservoirPhasesFollowThePlacementAndSize() {
        typealias Phase = CPSATSearch.ReservoirPhase
        let tiny = ILPTestProblems.hetero(devices: 2, microbatches: 3, seed: 7, placement: .v, chunks: 2)
        let v = ILPTestProblems.hetero(devices: 2, microbatches: 16, seed: 7, placement: .v, chunks: 2)
        let wide = ILPTestProblems.hetero(devices: 2, microbatches: 24, seed: 7, placement: .v, chunks: 2)
        let sequential = ILPTestProblems.hetero(devices: 2, microbatches: 24, seed: 7)
        #expect(CPSATSearch.phases(for: tiny) == [Phase(expand: true, share: 1)])
        #expect(CPSATSearch.phases(for: v) == [Phase(expand: true, share: 1.0 / 3), Phase(expand: false, share: 1)])
        #expect(CPSATSearch.phases(for: wide) == [Phase(expand: false, share: 1)], "144 passes per device")
        #expect(CPSATSearch.phases(for: sequential) == [Phase(expand: false, share: 1)])
    }

    /// A later phase starts from the earlier one's solution and the bounds of both count: with a
    /// first phase too short to prove the problem (unexpanded, 0.1 s; microbatches that differ, so
    /// their order is free), the second proves the exhaustive optimum, and every claim holds.
    @Test(arguments: [(UInt64(4), 2), (6, 3)])
    func aSecondPhaseKeepsTheClaimsTrue(seed: UInt64, devices: Int) throws {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
        let problem = try MicrobatchScaleExactTests.problem(devices: devices, microbatches: 2, seed: seed, capped: true)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan)).optimum
        let output = try CPSATSearch.solve(problem, objective: .stageSpan, settings: Self.settings, timeLimit: 20, method: "cpsat", seed: 1,
                                           excluding: [], phases: [.init(expand: false, share: 0), .init(expand: true, share: 1)],
                                           shouldStop: nil, onIncumbent: nil)
        let evaluation = try Evaluation(problem, output.schedule, objective: .stageSpan)
        #expect(evaluation.isValid)
        #expect(output.solver?.status == "optimal", "\(String(describing: output.solver))")
        #expect(abs(evaluation.metrics.stageSpan - reference) <= 1e-9 * reference)
        #expect(try #require(output.provenBound) <= reference * (1 + 1e-9))
    }

    /// Where B allocates under a cap, a fused BW can lower the peak: the split model does not cover
    /// every schedule, so CP-SAT's bound is not reported; "optimal" is never beaten.
    @Test(arguments: [UInt64(3), 5, 8])
    func anOptimalIsNeverBeatenByAFusedSchedule(seed: UInt64) throws {
        let problem = ILPTestProblems.tinyRecompute(seed: seed)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan))
        let (output, evaluation) = try solve(problem)
        #expect(evaluation.isValid)
        #expect(try #require(output.provenBound) <= reference.optimum + 1e-9)
        if output.solver?.status == "optimal" {
            #expect(evaluation.metrics.stageSpan <= reference.optimum + 1e-9, "\(String(describing: output.solver))")
        }
    }

    /// Where B allocates under a cap the model may fuse B and W per cell (`ActionModel`): it then
    /// covers every schedule, and proves the optimum over fused and split backward passes.
    @Test(arguments: [UInt64(3), 5, 8])
    func provesTheOptimumOverFusedAndSplitBackwards(seed: UInt64) throws {
        let problem = ILPTestProblems.tinyRecompute(seed: seed)
        #expect(problem.fusedBackwardCanLowerPeak)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .makespan)).optimum
        let (output, evaluation) = try solve(problem, objective: .makespan)
        #expect(evaluation.isValid)
        #expect(output.solver?.status == "optimal", "\(String(describing: output.solver))")
        #expect(abs(evaluation.metrics.makespan - reference) <= 1e-9 * reference)
        #expect(try #require(output.provenBound) <= reference + 1e-9)
    }

    /// Durations that no power of ten makes integral: the integer model is a relaxation, its bound
    /// still holds and the schedule is simulated in real numbers.
    @Test func irrationalDurationsKeepTheBoundTrue() throws {
        let stages = [1.0 / 3, 2.0 / 7, 0.1 * Double.pi].map {
            StageProfile(forward: $0, backwardInput: $0 * 1.1, backwardWeight: $0 / 3, memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        }
        let problem = try Problem(name: "irrational", microbatches: 2, devices: 3, stages: stages, communication: Communication(latency: 0.01))
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan, options: .init(microbatchOrder: true))).optimum
        let (output, evaluation) = try solve(problem)
        #expect(evaluation.isValid)
        #expect(try #require(output.provenBound) <= reference * (1 + 1e-9))
        #expect(evaluation.metrics.stageSpan >= reference * (1 - 1e-9))
    }

    @Test func aStopRequestReturnsAValidSchedule() throws {
        try #require(CPSATSolver.isAvailable)
        let problem = ILPTestProblems.hetero(devices: 4, microbatches: 12, seed: 3, cap: 6)
        let output = try CPSATSearch.solve(problem, objective: .stageSpan, settings: Self.settings, timeLimit: 60, shouldStop: { true })
        #expect(try Evaluation(problem, output.schedule, objective: .stageSpan).isValid)
        let bound = try #require(output.provenBound), objective = try #require(output.solver?.objective)
        #expect(bound <= objective)
    }

    @Test func theCLIListsAndRunsCPSAT() throws {
        let methods = try CLIRunner.run(["methods"])
        #expect(methods.stdout.contains("cpsat "))
        let path = try CLIRunner.writeJSON(ILPTestProblems.hetero(devices: 2, microbatches: 3, seed: 23, cap: 3))
        let result = try CLIRunner.run(["solve", path, "--method", "cpsat", "--time-limit", "20", "--workers", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let solver = try #require(document["solver"] as? [String: Any])
        #expect(solver["status"] as? String == "optimal", "\(solver)")
    }
}
