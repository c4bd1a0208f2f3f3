import Foundation
import Testing
@testable import PipeSched

/// Recomputation as a per-(stage, microbatch) decision (issue 13): the schema, the `R` pass in the
/// simulator and validator, the bounds, and the searches, refereed by exhaustive search.
@Suite struct MemoryActionTests {
    /// A tiny random problem whose every stage offers recomputation (kept memory and time drawn).
    static func recomputable(seed: UInt64) -> Problem {
        let base = TinyProblems.random(seed: seed)
        var generator = SeededGenerator(seed: seed &+ 101)
        return try! base.with {
            $0.stages = $0.stages.map { stage in
                StageProfile(slices: stage.slices.map { costs in
                    var costs = costs
                    let kept = [0, 0.5][Int.random(in: 0...1, using: &generator)] * costs.memory.forward
                    costs.recompute = RecomputeCost(time: Double(Int.random(in: 0...2, using: &generator)), keptMemory: kept)
                    return costs
                }, staticMemory: stage.staticMemory)
            }
        }
    }

    /// Two devices, two microbatches, a cap on device 0 of one microbatch's activations: without
    /// recomputation device 0 runs its microbatches one after the other; recomputing (keeping
    /// nothing) lets both forwards run back to back.
    static func binding() throws -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0),
                                                    recompute: RecomputeCost(time: 0.5, keptMemory: 0))])
        return try Problem(name: "binding", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: [2, 100])
    }

    static let seeds = RefereeSeeds.first(16)
    /// Small enough to keep the suite fast; larger combinations are skipped.
    static let referee = ExhaustiveSearch.Options(maximumSchedules: 20_000)

    @Test(arguments: seeds)
    func boundsStayBelowTheExhaustiveOptimumWithRecomputation(seed: UInt64) throws {
        let problem = Self.recomputable(seed: seed)
        for objective in Objective.allCases {
            guard let reference = ExhaustiveSearch.solve(problem, objective: objective, options: Self.referee) else { continue }
            let parts = LowerBound.parts(problem, objective: objective)
            for (name, bound) in parts.named {
                #expect(bound <= reference.optimum + 1e-9, "\(objective) \(name) bound \(bound) > optimum \(reference.optimum) on \(problem.name)")
            }
        }
    }

    @Test(arguments: seeds)
    func everyGreedyScheduleValidatesWithinTheCap(seed: UInt64) throws {
        let problem = Self.recomputable(seed: seed)
        for policy in PolicySample.distinctGrid(for: problem, fusing: true) {
            guard let schedule = ListScheduler(problem: problem, policy: policy).schedule() else { continue }
            let evaluation = try Evaluation(problem, schedule, objective: .stageSpan)
            #expect(evaluation.isValid, "\(policy) on \(problem.name): \(evaluation.issues)")
        }
    }

    @Test(arguments: seeds)
    func searchesNeverBeatTheExhaustiveOptimumNorClaimABoundAboveIt(seed: UInt64) throws {
        let problem = Self.recomputable(seed: seed)
        // One-device interleaved shapes have too many orders with recomputation for the referee.
        guard let reference = ExhaustiveSearch.solve(problem, objective: .stageSpan, options: Self.referee) else { return }
        for method in ["greedy", "local", "auto"] {
            let solution = try Methods.solve(problem, method: method, options: SolveOptions(timeLimit: 0.2))
            #expect(solution.evaluation.isValid, "\(method) on \(problem.name)")
            let metrics = solution.evaluation.metrics
            #expect(metrics.stageSpan >= reference.optimum - 1e-9, "\(method) beats exhaustive search on \(problem.name)")
            #expect(metrics.lowerBound <= reference.optimum + 1e-9, "\(method)'s bound on \(problem.name)")
        }
    }

    @Test(arguments: seeds)
    func recomputationNeverWorsensTheOptimum(seed: UInt64) throws {
        let problem = Self.recomputable(seed: seed)
        guard let with = ExhaustiveSearch.solve(problem, objective: .makespan, options: Self.referee) else { return }
        let without = ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(maximumSchedules: 20_000, memoryActions: false))
        if let without { #expect(with.optimum <= without.optimum + 1e-9, "\(problem.name)") }
    }

    @Test func recomputationBeatsEveryScheduleWithoutItWhereTheCapBinds() throws {
        let problem = try Self.binding()
        let with = try #require(ExhaustiveSearch.solve(problem, objective: .makespan))
        let without = try #require(ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(memoryActions: false)))
        #expect(with.optimum < without.optimum - 1e-9)
        #expect(with.best.orders[0].contains { $0.kind == .recompute })
        // The greedy finds a recomputing schedule that beats every schedule without recomputation.
        let greedy = try Methods.solve(problem, method: "greedy")
        #expect(greedy.evaluation.isValid)
        #expect(greedy.evaluation.metrics.makespan < without.optimum - 1e-9)
    }

    @Test func aRecomputedForwardKeepsOnlyItsInputsAndRRebuildsTheRest() throws {
        let problem = try Self.binding()
        let order: [Op] = [.forward(0, 0), Op(.recompute, stage: 0, microbatch: 0), .backward(0, 0),
                           .forward(0, 1), .backward(0, 1)]
        let levels = problem.memoryLevels(device: 0, order: order)
        #expect(levels.levels == [0, 2, 0, 2, 0])
        #expect(levels.peak == 2)
    }

    @Test func theValidatorRefusesAnROnAStageWithoutRecomputation() throws {
        let plain = try Self.binding().with { $0.stages = $0.stages.map { var s = $0; s.slices[0].recompute = nil; return s } }
        let schedule = Schedule(orders: [[.forward(0, 0), Op(.recompute, stage: 0, microbatch: 0), .forward(0, 1), .backward(0, 0), .backward(0, 1)],
                                         [.forward(1, 0), .forward(1, 1), .backward(1, 0), .backward(1, 1)]])
        let issues = Validator.validate(plain, schedule)
        #expect(issues.contains { $0.rule == .structure && $0.message.contains("offers no recomputation") })
    }

    @Test func anRAfterItsBackwardDeadlocks() throws {
        let problem = try Self.binding()
        let schedule = Schedule(orders: [[.forward(0, 0), .backward(0, 0), Op(.recompute, stage: 0, microbatch: 0), .forward(0, 1), .backward(0, 1)],
                                         [.forward(1, 0), .forward(1, 1), .backward(1, 0), .backward(1, 1)]])
        #expect(throws: SimulationError.self) { try Simulator.simulate(problem, schedule) }
        #expect(Validator.validate(problem, schedule).contains { $0.rule == .deadlock })
    }

    @Test func theTimedValidatorChecksTheBackwardWaitsForItsR() throws {
        let problem = try Self.binding()
        let schedule = Schedule(orders: [[.forward(0, 0), .forward(0, 1), Op(.recompute, stage: 0, microbatch: 0), .backward(0, 0),
                                          Op(.recompute, stage: 0, microbatch: 1), .backward(0, 1)],
                                         [.forward(1, 0), .forward(1, 1), .backward(1, 0), .backward(1, 1)]])
        // Device 0 keeps nothing for either forward, so it fits its cap of one microbatch.
        let simulation = try Simulator.simulate(problem, schedule)
        #expect(Validator.validate(problem, simulation.timeline).isEmpty)
        var early = simulation.timeline
        let b = try #require(early[0].firstIndex { $0.op == .backward(0, 0) })
        let r = try #require(early[0].firstIndex { $0.op.kind == .recompute && $0.op.microbatch == 0 })
        early[0][b].start = early[0][r].start
        early[0][b].end = early[0][b].start + 4
        #expect(Validator.validate(problem, early).contains { $0.rule == .dependency && $0.message.contains("R(s0,m0)") })
    }

    @Test func problemsWithoutActionsEncodeAsBefore() throws {
        let problem = TinyProblems.random(seed: 3)
        let json = String(decoding: try JSONEncoder().encode(problem), as: UTF8.self)
        #expect(!json.contains("recompute"))
        #expect(!problem.hasMemoryActions)
        #expect(problem.memoryRelaxation == problem)
    }

    @Test func recomputationCostsRoundTripThroughJSON() throws {
        let problem = try Self.binding()
        let decoded = try Problem.decode(json: try JSONEncoder().encode(problem))
        #expect(decoded == problem)
        #expect(decoded.recomputeCost(stage: 1, slice: 0) == RecomputeCost(time: 0.5, keptMemory: 0))
    }

    @Test func keptMemoryAboveTheForwardIsRefusedNamingTheField() throws {
        let json = #"{"microbatches": 1, "devices": 1, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1, "memory": {"forward": 1, "backwardInput": -1, "backwardWeight": 0}, "recompute": {"time": 1, "keptMemory": 2}}]}"#
        #expect { try Problem.decode(json: Data(json.utf8)) } throws: { error in
            (error as? ProblemError)?.field == "stages[0].recompute.keptMemory"
        }
    }

    @Test func uncappedProblemsNeverRecompute() throws {
        let problem = try Self.binding().withMemoryLimit(nil)
        #expect(!problem.memoryActionsCanLowerPeak)
        #expect(GreedyPolicy.grid(for: problem).allSatisfy { $0.memoryActions == .none })
    }
}
