import Foundation
import Testing
@testable import PipeSched

/// Offloading activations to host memory as a per-(stage, microbatch) decision (issue 13): the
/// schema, the `O` and `L` passes on the copy streams in the simulator and validator, the bounds,
/// and the searches, refereed by exhaustive search.
@Suite struct OffloadingTests {
    /// A tiny random problem whose every stage offers offloading (memory moved and time drawn).
    static func offloadable(seed: UInt64) -> Problem {
        let base = TinyProblems.random(seed: seed)
        var generator = SeededGenerator(seed: seed &+ 211)
        return try! base.with {
            $0.stages = $0.stages.map { stage in
                StageProfile(slices: stage.slices.map { costs in
                    var costs = costs
                    let moved = [1, 0.5][Int.random(in: 0...1, using: &generator)] * costs.memory.forward
                    costs.offload = OffloadCost(memory: moved, time: Double(Int.random(in: 0...2, using: &generator)) * 0.5)
                    return costs
                }, staticMemory: stage.staticMemory)
            }
        }
    }

    /// Two devices, two microbatches, a cap on device 0 of one microbatch's activations: without
    /// actions device 0 runs its microbatches one after the other; offloading the first
    /// microbatch's activations while the second one's forward runs lets both forwards run early.
    static func binding(time: Double = 0.5) throws -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0),
                                                    offload: OffloadCost(memory: 2, time: time))])
        return try Problem(name: "binding-offload", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: [2, 100])
    }

    /// One device, one stage, two microbatches, a cap of one microbatch's activations.
    static func single() throws -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0),
                                                    offload: OffloadCost(memory: 2, time: 1))])
        return try Problem(name: "single-offload", microbatches: 2, devices: 1, stages: [stage], memoryLimit: [2])
    }

    static func o(_ m: Int) -> Op { Op(.offload, stage: 0, microbatch: m) }
    static func l(_ m: Int) -> Op { Op(.reload, stage: 0, microbatch: m) }
    static let singleOrder: [Op] = [.forward(0, 0), o(0), .forward(0, 1), o(1), l(0), .backwardInput(0, 0), .backwardWeight(0, 0),
                                    l(1), .backwardInput(0, 1), .backwardWeight(0, 1)]

    static let seeds = RefereeSeeds.first(16)
    static let referee = ExhaustiveSearch.Options(maximumSchedules: 20_000)

    @Test func copiesRunBesideComputeAndFreeMemoryWhenTheyEnd() throws {
        let problem = try Self.single()
        let simulation = try Simulator.simulate(problem, Schedule(orders: [Self.singleOrder]))
        let times = simulation.timeline[0].map { [$0.start, $0.end] }
        // F1 waits for O0 to free its memory (3); L0 waits for O1 (6); L1 runs beside W0 (it may
        // start once the compute pass before it, W0, has started at 9).
        #expect(times == [[0, 2], [2, 3], [3, 5], [5, 6], [6, 7], [7, 9], [9, 10], [9, 10], [10, 12], [12, 13]])
        #expect(simulation.memoryAfterOp[0] == [2, 0, 2, 0, 2, 0, 0, 2, 0, 0])
        #expect(simulation.peakMemory == [2])
        #expect(Validator.validate(problem, simulation.timeline).isEmpty)
        // Bubbles are the compute stream's idle time: 2–3 (F1 waits for O0) and 5–7 (B0 waits for L0).
        #expect(problem.bubbles(in: simulation.timeline).map { [$0.start, $0.length] } == [[2, 1], [5, 2]])
        let metrics = Metrics(problem, simulation.timeline, objective: .makespan)
        #expect(metrics.makespan == 13)
        #expect(abs(metrics.bubbleRate - (1 - 10.0 / 13)) < 1e-12)  // copies are not work
    }

    @Test func theTimedValidatorChecksTheWaitsBetweenStreams() throws {
        let problem = try Self.single()
        let timeline = try Simulator.simulate(problem, Schedule(orders: [Self.singleOrder])).timeline
        var early = timeline
        early[0][2].start = 2.5  // F1 before O0 has freed its memory at 3
        early[0][2].end = 4.5
        #expect(Validator.validate(problem, early).contains { $0.rule == .memory && $0.message.contains("O(s0,m0)") })
        var overlapping = timeline
        overlapping[0][3].start = 2.5  // O1 overlaps O0 on the device-to-host stream (and precedes F1's end)
        overlapping[0][3].end = 3.5
        #expect(Validator.validate(problem, overlapping).contains { $0.rule == .overlap })
        var reloadEarly = timeline
        reloadEarly[0][7].start = 8  // L1 before W0, the compute pass before it, starts at 9
        reloadEarly[0][7].end = 9
        #expect(Validator.validate(problem, reloadEarly).contains { $0.rule == .memory && $0.message.contains("W(s0,m0)") })
    }

    @Test func theValidatorRefusesUnpairedOrMixedActions() throws {
        let problem = try Self.single()
        let noReload = Schedule(orders: [[.forward(0, 0), Self.o(0), .backward(0, 0), .forward(0, 1), .backward(0, 1)]])
        #expect(Validator.validate(problem, noReload).contains { $0.rule == .count && $0.message.contains("has no reload") })
        let plain = try problem.with { $0.stages = $0.stages.map { var s = $0; s.slices[0].offload = nil; return s } }
        #expect(Validator.validate(plain, Schedule(orders: [Self.singleOrder])).contains { $0.message.contains("offers no offloading") })
        let both = try problem.with {
            $0.stages = $0.stages.map { var s = $0; s.slices[0].recompute = RecomputeCost(time: 1, keptMemory: 0); return s }
        }
        let mixed = Schedule(orders: [[.forward(0, 0), Self.o(0), Op(.recompute, stage: 0, microbatch: 0), Self.l(0), .backward(0, 0),
                                       .forward(0, 1), .backward(0, 1)]])
        #expect(Validator.validate(both, mixed).contains { $0.message.contains("both recomputed and offloaded") })
        // The simulator refuses them too, so no search scores such a schedule.
        #expect(ScheduleScore(both, mixed, objective: .makespan) == nil)
        #expect(ScheduleScore(problem, noReload, objective: .makespan) == nil)
    }

    @Test func aReloadBeforeItsOffloadOrABackwardBeforeItsReloadDeadlocks() throws {
        let problem = try Self.single()
        let backwardFirst = Schedule(orders: [[.forward(0, 0), Self.o(0), .backward(0, 0), Self.l(0), .forward(0, 1), .backward(0, 1)]])
        #expect(throws: SimulationError.self) { try Simulator.simulate(problem, backwardFirst) }
        let offloadFirst = Schedule(orders: [[Self.o(0), .forward(0, 0), Self.l(0), .backward(0, 0), .forward(0, 1), .backward(0, 1)]])
        #expect(throws: SimulationError.self) { try Simulator.simulate(problem, offloadFirst) }
    }

    @Test func offloadingBeatsEveryScheduleWithoutItWhereTheCapBinds() throws {
        let problem = try Self.binding()
        let with = try #require(ExhaustiveSearch.solve(problem, objective: .makespan))
        let without = try #require(ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(memoryActions: false)))
        #expect(with.optimum < without.optimum - 1e-9)
        #expect(with.best.orders[0].contains { $0.kind == .offload })
    }

    @Test(arguments: seeds)
    func boundsStayBelowTheExhaustiveOptimumWithOffloading(seed: UInt64) throws {
        let problem = Self.offloadable(seed: seed)
        for objective in Objective.allCases {
            guard let reference = ExhaustiveSearch.solve(problem, objective: objective, options: Self.referee) else { continue }
            let parts = LowerBound.parts(problem, objective: objective)
            for (name, bound) in parts.named {
                #expect(bound <= reference.optimum + 1e-9, "\(objective) \(name) bound \(bound) > optimum \(reference.optimum) on \(problem.name)")
            }
            #expect(Validator.validate(problem, reference.best).filter { $0.rule != .deadlock }.isEmpty, "\(problem.name)")
        }
    }

    @Test(arguments: seeds)
    func offloadingNeverWorsensTheOptimum(seed: UInt64) throws {
        let problem = Self.offloadable(seed: seed)
        guard let with = ExhaustiveSearch.solve(problem, objective: .makespan, options: Self.referee) else { return }
        let without = ExhaustiveSearch.solve(problem, objective: .makespan, options: .init(maximumSchedules: 20_000, memoryActions: false))
        if let without { #expect(with.optimum <= without.optimum + 1e-9, "\(problem.name)") }
    }

    @Test func theRelaxationKeepsOnlyWhatNoActionMoves() throws {
        let problem = try Self.binding().with {
            $0.stages = $0.stages.map { var s = $0; s.slices[0].offload = OffloadCost(memory: 1.5, time: 1); return s }
        }
        let relaxed = problem.memoryRelaxation
        #expect(!relaxed.hasMemoryActions)
        #expect(relaxed.stages[0].slices[0].memory.forward == 0.5)
        #expect(relaxed.stages[0].slices[0].memory.backwardInput == -0.5)
    }

    @Test func offloadCostsRoundTripThroughJSON() throws {
        let problem = try Self.binding()
        let json = String(decoding: try JSONEncoder().encode(problem), as: UTF8.self)
        #expect(json.contains("\"offload\""))
        let decoded = try Problem.decode(json: Data(json.utf8))
        #expect(decoded == problem)
        #expect(decoded.offloadCost(stage: 1, slice: 0) == OffloadCost(memory: 2, time: 0.5))
    }

    @Test func offloadedMemoryAboveTheForwardIsRefusedNamingTheField() throws {
        let json = #"{"microbatches": 1, "devices": 1, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1, "memory": {"forward": 1, "backwardInput": -1, "backwardWeight": 0}, "offload": {"memory": 2, "time": 1}}]}"#
        #expect { try Problem.decode(json: Data(json.utf8)) } throws: { error in
            (error as? ProblemError)?.field == "stages[0].offload.memory"
        }
        let negative = json.replacingOccurrences(of: #""memory": 2, "time": 1"#, with: #""memory": 1, "time": -1"#)
        #expect { try Problem.decode(json: Data(negative.utf8)) } throws: { error in
            (error as? ProblemError)?.field == "stages[0].offload.time"
        }
    }
}

/// The `offload` method (`OffloadPlanning`) and `auto` on problems that offer offloading.
@Suite struct OffloadPlanningTests {
    @Test func theOffloadMethodBeatsEveryScheduleWithoutActionsWhereTheCapBinds() throws {
        let problem = try OffloadingTests.binding()
        let without = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan, options: .init(memoryActions: false)))
        let offload = try Methods.solve(problem, method: "offload")
        #expect(offload.evaluation.isValid)
        #expect(offload.evaluation.metrics.stageSpan < without.optimum - 1e-9)
        #expect(offload.evaluation.timeline[0].contains { $0.op.kind == .offload })
        let auto = try Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: 0.5))
        #expect(auto.evaluation.metrics.stageSpan <= offload.evaluation.metrics.stageSpan + 1e-9)
    }

    @Test(arguments: OffloadingTests.seeds)
    func searchesNeverBeatTheExhaustiveOptimumNorClaimABoundAboveIt(seed: UInt64) throws {
        let problem = OffloadingTests.offloadable(seed: seed)
        guard let reference = ExhaustiveSearch.solve(problem, objective: .stageSpan, options: OffloadingTests.referee) else { return }
        for method in ["offload", "local", "auto"] where Methods.named(method).map({ (try? $0.checkFits(problem)) != nil }) ?? false {
            guard let solution = try? Methods.solve(problem, method: method, options: SolveOptions(timeLimit: 0.2)) else { continue }
            #expect(solution.evaluation.isValid, "\(method) on \(problem.name)")
            let metrics = solution.evaluation.metrics
            #expect(metrics.stageSpan >= reference.optimum - 1e-9, "\(method) beats exhaustive search on \(problem.name)")
            #expect(metrics.lowerBound <= reference.optimum + 1e-9, "\(method)'s bound on \(problem.name)")
        }
    }

    @Test func problemsWithoutOffloadingGetNoOffloadCandidate() throws {
        let problem = TinyProblems.random(seed: 3)
        #expect(throws: FamilyError.self) { try OffloadMethod().checkFits(problem) }
    }
}
