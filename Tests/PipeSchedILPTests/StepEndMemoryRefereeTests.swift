import CPSAT
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedCPSAT
@testable import PipeSchedILP

/// Memory held to the step's end (`StepEndMemory.swift`: a stage's deltas summing above zero, as
/// PyTorch's runtime holds the outputs a stage sends and the input gradients it computes), refereed
/// by exhaustive search on tiny problems: no bound above the optimum, no schedule over its cap, no
/// method below the optimum, and the exact models' "optimal" only at it.
@Suite struct StepEndMemoryRefereeTests {
    /// The shapes of `TinyProblems` (two devices and two microbatches, one device and three, a V
    /// of one microbatch, one device with two interleaved stages); F or B (or both) of each stage
    /// leaves 0.5 held to the step's end, some stages' B allocating; capped at or up to 1 below the
    /// greedy's peaks (never below `Problem.minimumMemory`, the step's end included), or uncapped.
    static func problem(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed &* 104_729 &+ 3)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        let shapes: [(devices: Int, microbatches: Int, placement: Placement, chunks: Int)] = [
            (2, 2, .sequential, 1), (1, 3, .sequential, 1), (2, 1, .v, 2), (1, 2, .interleaved, 2),
        ]
        let shape = shapes[Int(seed % UInt64(shapes.count))]
        let stages = (0..<(shape.devices * shape.chunks)).map { _ -> StageProfile in
            let forward = Double(draw(1...3)), backward = Double(draw(-2...1)) * 0.5
            let heldByForward = Double(draw(0...1)) * 0.5, heldByBackward = Double(draw(0...1)) * 0.5
            return StageProfile(forward: Double(draw(1...3)), backwardInput: Double(draw(0...3)), backwardWeight: Double(draw(0...2)),
                                memory: MemoryDeltas(forward: forward + heldByForward, backwardInput: backward + heldByBackward,
                                                     backwardWeight: -(forward + backward)),
                                staticMemory: Double(draw(0...1)))
        }
        let unlimited = try! Problem(name: "held-\(seed)", microbatches: shape.microbatches, devices: shape.devices, placement: shape.placement,
                                     stages: stages, communication: Communication(latency: [0, 0.5][draw(0...1)]))
        guard draw(0...3) > 0 else { return unlimited }
        // Caps at or up to 1 below the greedy's peaks (feasible at the peaks), never below the least
        // any schedule needs.
        let peaks = try! Methods.solve(unlimited, method: "greedy").evaluation.metrics.peakMemory
        return try! unlimited.withMemoryLimit((0..<shape.devices).map { max(unlimited.minimumMemory(device: $0), peaks[$0] - Double(draw(0...2)) * 0.5) })
    }

    static let seeds: [UInt64] = Array(0..<16)

    @Test(arguments: seeds)
    func boundsGreedyAndMethodsAgainstExhaustiveSearch(seed: UInt64) throws {
        let problem = Self.problem(seed: seed)
        guard let reference = ExhaustiveSearch.solve(problem, objective: .stageSpan) else {
            // No schedule fits the cap (the problems are small enough for exhaustive search): the
            // searches must not claim one.
            #expect(throws: SolveError.self, "\(problem.name)") { try Methods.solve(problem, method: "greedy") }
            return
        }
        for objective in Objective.allCases {
            let optimum = try #require(ExhaustiveSearch.solve(problem, objective: objective)).optimum
            for (name, bound) in LowerBound.parts(problem, objective: objective).named {
                #expect(bound <= optimum + 1e-9, "\(objective) \(name) bound \(bound) > optimum \(optimum) on \(problem.name)")
            }
        }
        for method in ["greedy", "local", "auto", "1f1b"] where Methods.named(method)?.fits(problem) ?? false {
            guard let solution = try? Methods.solve(problem, method: method, options: SolveOptions(timeLimit: 0.2)) else { continue }
            #expect(solution.evaluation.isValid, "\(method) on \(problem.name): \(solution.evaluation.issues)")
            #expect(solution.evaluation.metrics.stageSpan >= reference.optimum - 1e-9, "\(method) beats exhaustive search on \(problem.name)")
        }
    }

    /// Three microbatches on two devices; on device 0 each forward keeps 1 until its W and 0.5 to
    /// the step's end, under a cap of 3: two microbatches fit in flight, but the third forward must
    /// wait for a second W, where without the held memory one W would do. So the held memory raises
    /// the optimum, and a model that left it out would claim less.
    static let heldMemoryBinds: Problem = {
        let first = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                 memory: MemoryDeltas(forward: 1.5, backwardInput: 0, backwardWeight: -1))
        let second = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                  memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        return try! Problem(name: "held-binds", microbatches: 3, devices: 2, stages: [first, second], memoryLimit: [3, 100])
    }()

    /// Exhaustive search over split passes in microbatch order (where `B` frees, as here, neither a
    /// fused `BW` nor another order does better, `ExhaustiveRefereeTests`), small enough for m = 3.
    static func optimum(_ problem: Problem, _ objective: Objective) -> Double? {
        ExhaustiveSearch.solve(problem, objective: objective, options: .init(fusedBackward: false, microbatchOrder: true))?.optimum
    }

    /// The ILP and CP-SAT model memory as the simulator does, held memory included: on the example
    /// where it binds they prove the optimum exhaustive search finds, above the one without the held
    /// memory; on random capped problems their claims hold against exhaustive search.
    @Test func exactModelsCountHeldMemory() throws {
        let problem = Self.heldMemoryBinds
        for objective in Objective.allCases {
            let held = try #require(Self.optimum(problem, objective))
            let relaxed = try #require(Self.optimum(problem.stepEndRelaxation, objective))
            #expect(held > relaxed + 1e-9, "\(objective): held \(held), relaxed \(relaxed)")
            #expect(LowerBound.value(problem, objective: objective) <= held + 1e-9)
            let ilp = try ILPSearch.solve(problem, objective: objective, settings: ILPSettings(solver: .cbc), timeLimit: 10)
            try ExactReferee.check(problem, objective, schedule: ilp.schedule, bound: ilp.provenBound, status: ilp.report.status,
                                   reference: held, mustProve: true)
            try #require(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
            let cpsat = try CPSATSearch.solve(problem, objective: objective, settings: CPSATSettings(workers: 1), timeLimit: 10)
            try ExactReferee.check(problem, objective, schedule: cpsat.schedule, bound: cpsat.provenBound,
                                   status: try #require(cpsat.solver).status, reference: held, mustProve: true)
        }
        let random = Self.seeds.map(Self.problem).filter { $0.holdsMemoryToStepEnd && $0.memoryLimit != nil }
            .filter { ExhaustiveSearch.solve($0, objective: .stageSpan) != nil }.prefix(3)
        #expect(random.count == 3)
        try ExactReferee.checkILP(Array(random), solver: .cbc)
        try ExactReferee.checkCPSAT(Array(random))
    }

    /// Held memory taken from the step's start (`heldMemoryFromTheStart`) never charges less than
    /// the problem does: every greedy schedule of it is valid on the problem, and `auto` runs the
    /// greedy under it as one of its candidates.
    @Test func heldMemoryFromTheStartIsATighterBudget() throws {
        var checked = 0
        for problem in Self.seeds.map(Self.problem) where problem.memoryLimit != nil {
            guard let upFront = problem.heldMemoryFromTheStart else { continue }
            for policy in GreedyPolicy.grid(for: upFront, fusing: true) {
                guard let schedule = ListScheduler(problem: upFront, policy: policy).schedule() else { continue }
                let evaluation = try Evaluation(problem, schedule, objective: .stageSpan)
                #expect(evaluation.isValid, "\(policy) on \(problem.name): \(evaluation.issues)")
                checked += 1
            }
        }
        #expect(checked > 20)
        let report = AutoSearch.run(Self.heldMemoryBinds, options: SolveOptions(timeLimit: 0.2), methods: Methods.all)
        #expect(report.candidates.contains { $0.method == "greedy (held memory from the start)" }, "\(report.candidates.map(\.method))")
    }

    /// A schedule's memory keeps what the step holds: after the last pass every device is at its
    /// static memory plus all its held memory.
    @Test func theStepEndsHoldingWhatThePassesHeld() throws {
        let problem = try Self.problem(seed: 2).withMemoryLimit(nil)
        let solution = try Methods.solve(problem, method: "greedy")
        for device in 0..<problem.devices {
            let held = problem.deviceStages[device].reduce(0.0) { $0 + problem.stages[$1].memory.heldToStepEnd } * Double(problem.microbatches)
            let staticMemory = problem.deviceStages[device].reduce(0.0) { $0 + problem.stages[$1].staticMemory }
            var level = staticMemory
            for entry in solution.evaluation.timeline[device] { level += problem.memoryDelta(entry.op) }
            #expect(abs(level - (staticMemory + held)) < 1e-9, "device \(device)")
            #expect(solution.evaluation.metrics.peakMemory[device] >= staticMemory + held - 1e-9)
        }
    }
}
