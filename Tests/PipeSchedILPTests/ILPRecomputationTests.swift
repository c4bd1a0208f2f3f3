import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// The MILP with recomputation binaries (`OpTable.recompute`, `MemoryConstraints`), as OptPipe
/// chooses recomputation in one MILP, against exhaustive search, which enumerates recomputation
/// too: its "optimal" equals the exhaustive optimum, its bound never exceeds it.
@Suite struct ILPRecomputationTests {
    /// A small heterogeneous problem whose stages offer recomputation (keeping nothing, re-running the
    /// forward), capped one microbatch's activations above the minimum.
    static func problem(devices: Int, microbatches: Int, seed: UInt64, v: Bool = false, kept: Double = 0) throws -> Problem {
        let base = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: seed, placement: v ? .v : .sequential, chunks: v ? 2 : 1)
        let withActions = try base.with { fields in
            fields.stages = base.stages.map { stage in
                StageProfile(slices: stage.slices.map { costs in
                    var costs = costs
                    costs.recompute = RecomputeCost(time: costs.forward, keptMemory: kept)
                    return costs
                }, staticMemory: stage.staticMemory)
            }
        }
        return try withActions.withMemoryLimit((0..<devices).map { withActions.minimumMemory(device: $0) + 1 })
    }

    static let cases: [(devices: Int, microbatches: Int, seed: UInt64, v: Bool, kept: Double)] = [
        (2, 2, 3, false, 0), (2, 2, 4, false, 1), (2, 2, 5, false, 0), (2, 1, 6, true, 0), (3, 1, 7, false, 0),
    ]

    @Test(arguments: cases.indices, [SolverKind.cbc, .glpk])
    func provesTheExhaustiveOptimumWithRecomputation(index: Int, solver: SolverKind) throws {
        let shape = Self.cases[index]
        let problem = try Self.problem(devices: shape.devices, microbatches: shape.microbatches, seed: shape.seed, v: shape.v, kept: shape.kept)
        #expect(problem.memoryActionsCanLowerPeak)
        for objective in Objective.allCases {
            let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 2_000_000))).optimum
            let outcome = try ILPSearch.solve(problem, objective: objective, settings: ILPSettings(solver: solver), timeLimit: 30)
            let evaluation = try Evaluation(problem, outcome.schedule, objective: objective)
            #expect(evaluation.isValid, "\(evaluation.issues)")
            #expect(outcome.provenBound <= reference * (1 + 1e-9), "\(objective): \(outcome.report)")
            #expect(evaluation.metrics.value(of: objective) >= reference * (1 - 1e-9))
            if objective == .makespan { #expect(outcome.report.status == "optimal", "\(objective): \(outcome.report)") }
            if outcome.report.status == "optimal" {
                #expect(abs(evaluation.metrics.value(of: objective) - reference) <= 1e-6 * reference, "\(objective): \(outcome.report)")
            }
        }
    }

    /// Two devices, two microbatches, device 0 capped at one microbatch's activations: recomputing
    /// (keeping nothing) lets both forwards run back to back, which beats every schedule without it.
    @Test func theILPRecomputesWhereOnlyRecomputationReachesTheOptimum() throws {
        let problem = try MemoryActionsRefusalTests.problem(capped: true)
        let without = try #require(ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(memoryActions: false))).optimum
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .makespan)).optimum
        #expect(reference < without - 1e-9)
        let outcome = try ILPSearch.solve(problem, objective: .makespan, settings: ILPSettings(solver: .cbc), timeLimit: 30)
        #expect(outcome.report.status == "optimal")
        #expect(abs(outcome.report.objective! - reference) <= 1e-9 * reference)
        #expect(outcome.schedule.orders.joined().contains { $0.kind == .recompute })
    }

    /// A schedule that recomputes (and one that does not) is a solution of the model: its values,
    /// products of binaries and orders included, break no row.
    @Test func recomputingSchedulesAreWarmStartsOfTheModel() throws {
        let problem = try MemoryActionsRefusalTests.problem(capped: true)
        let frame = ProblemFrame(problem, objective: .makespan, recomputation: true)
        #expect(frame.table.hasRecomputation)
        let recomputing = try #require(ExhaustiveSearch.solve(problem, objective: .makespan)).best
        let plain = try #require(ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(memoryActions: false))).best
        #expect(recomputing.orders.joined().contains { $0.kind == .recompute })
        for schedule in [recomputing, plain] {
            let timeline = try Simulator.simulate(problem, schedule).timeline
            let horizon = Metrics(problem, timeline, objective: .makespan).makespan
            var graph = frame.baseGraph
            let windows = try #require(TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon),
                                                           loads: frame.deviceLoads, tolerance: 1e-9))
            let formulation = ScheduleFormulation(problem: problem, objective: .makespan, graph: graph, anchors: frame.anchors,
                                                  loads: frame.deviceLoads, windows: windows, horizon: horizon, lowerBound: frame.lowerBound)
            let values = try #require(formulation.values(for: timeline))
            #expect(formulation.model.maximumViolation(at: values) <= 1e-6)
            #expect(formulation.schedule(from: values).orders.map { $0.filter { $0.kind == .recompute } }
                    == schedule.orders.map { $0.filter { $0.kind == .recompute } })
        }
    }

    @Test func theILPStillRefusesOffloading() throws {
        let problem = try Self.problem(devices: 2, microbatches: 2, seed: 3).with { fields in
            fields.stages = fields.stages.map { var stage = $0; stage.slices[0].offload = OffloadCost(memory: 1, time: 1); return stage }
        }
        #expect { try ILPSearch.solve(problem, objective: .makespan, settings: ILPSettings(), timeLimit: 5) } throws: { error in
            (error as? SolveError)?.description.contains("offload") == true
        }
    }
}
