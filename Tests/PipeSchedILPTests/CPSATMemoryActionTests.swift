import CPSAT
import Foundation
import PipeSched
import PipeSchedILP
import Testing
@testable import PipeSchedCPSAT

/// `cpsat` with memory actions (`ActionModel`): recomputation and offloading chosen per cell, against
/// exhaustive search, which enumerates them too. Its "optimal" equals the exhaustive optimum, its
/// bound never exceeds it, its schedule is valid.
@Suite struct CPSATMemoryActionTests {
    /// A small heterogeneous problem whose stages offer `actions` (recomputation keeping nothing,
    /// offloading everything), capped at one microbatch's activations above the minimum.
    static func problem(devices: Int, microbatches: Int, seed: UInt64, recompute: Bool, offload: Bool, v: Bool = false) throws -> Problem {
        let base = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: seed, placement: v ? .v : .sequential, chunks: v ? 2 : 1)
        let withActions = try base.with { fields in
            fields.stages = base.stages.enumerated().map { index, stage in
                StageProfile(slices: stage.slices.map { costs in
                    var costs = costs
                    if recompute { costs.recompute = RecomputeCost(time: costs.forward, keptMemory: 0) }
                    if offload { costs.offload = OffloadCost(memory: costs.memory.forward, time: Double(index % 2 + 1) * 0.5) }
                    return costs
                }, staticMemory: stage.staticMemory)
            }
        }
        return try withActions.withMemoryLimit((0..<devices).map { withActions.minimumMemory(device: $0) + 1 })
    }

    static let cases: [(devices: Int, microbatches: Int, recompute: Bool, offload: Bool, v: Bool)] = [
        (2, 2, true, false, false), (2, 2, false, true, false), (2, 2, true, true, false), (2, 2, false, true, false),
        (2, 2, true, false, false), (2, 1, false, true, true), (2, 1, true, true, true),
    ]

    @Test(arguments: cases.indices)
    func provesTheExhaustiveOptimumWithActions(index: Int) throws {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
        let shape = Self.cases[index]
        let problem = try Self.problem(devices: shape.devices, microbatches: shape.microbatches, seed: UInt64(index + 3),
                                       recompute: shape.recompute, offload: shape.offload, v: shape.v)
        #expect(problem.memoryActionsCanLowerPeak)
        let objective = Objective.makespan  // the model is exact for it (first starts are not fixed with actions)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 2_000_000))).optimum
        let output = try CPSATSearch.solve(problem, objective: objective, settings: CPSATSettings(workers: 1), timeLimit: 30)
        let evaluation = try Evaluation(problem, output.schedule, objective: objective)
        let report = try #require(output.solver)
        #expect(evaluation.isValid, "\(evaluation.issues)")
        #expect(try #require(output.provenBound) <= reference * (1 + 1e-9), "\(report)")
        #expect(report.status == "optimal", "\(report)")
        #expect(abs(evaluation.metrics.makespan - reference) <= 1e-9 * reference, "cpsat \(evaluation.metrics.makespan), exhaustive \(reference): \(report)")
    }

    @Test func cpsatChoosesAnActionWhereOnlyAnActionReachesTheOptimum() throws {
        try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
        // Two devices, two microbatches, device 0 capped at one microbatch's activations: offloading
        // the first while the second's forward runs beats every schedule without actions.
        let stage = StageProfile(slices: [PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0),
                                                    offload: OffloadCost(memory: 2, time: 0.5))])
        let problem = try Problem(name: "binding-offload", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: [2, 100])
        let without = try #require(ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(memoryActions: false))).optimum
        let output = try CPSATSearch.solve(problem, objective: .makespan, settings: CPSATSettings(workers: 1), timeLimit: 20)
        let evaluation = try Evaluation(problem, output.schedule, objective: .makespan)
        #expect(evaluation.isValid)
        #expect(evaluation.metrics.makespan < without - 1e-9)
        #expect(evaluation.timeline.joined().contains { $0.op.kind == .offload })
    }
}
