import Foundation
import Testing
@testable import PipeSched

/// Microbatches that cost different amounts (`MicrobatchScale`, issue 14: variable sequence lengths,
/// packing): the schema, the one accounting every part reads, the bounds and the searches, refereed
/// by exhaustive search, which then enumerates every microbatch order.
@Suite struct MicrobatchScaleTests {
    static let scaleChoices: [Double] = [0.5, 1, 1.5, 2]

    /// A tiny random problem (`TinyProblems`) with a random scale per microbatch, capped (when the
    /// tiny problem is) between the scaled one-microbatch minimum and two activations more.
    static func scaled(seed: UInt64) -> Problem {
        let base = TinyProblems.random(seed: seed)
        var generator = SeededGenerator(seed: seed &+ 977)
        func draw() -> Double { scaleChoices[Int.random(in: 0..<scaleChoices.count, using: &generator)] }
        let scales = (0..<base.microbatches).map { _ in MicrobatchScale(time: draw(), memory: draw()) }
        let unlimited = try! base.with {
            $0.microbatchScales = scales
            $0.memoryLimit = nil
        }
        guard base.memoryLimit != nil else { return unlimited }
        return try! unlimited.withMemoryLimit((0..<base.devices).map {
            unlimited.minimumMemory(device: $0) + Double(Int.random(in: 0...4, using: &generator)) * 0.5
        })
    }

    /// One device, one stage; microbatch 1 lasts twice as long and holds three times the memory.
    static func single() throws -> Problem {
        try Problem(name: "scaled", microbatches: 2, devices: 1,
                    stages: [StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                          memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))],
                    microbatchScales: [.one, MicrobatchScale(time: 2, memory: 3)])
    }

    /// Two devices; microbatch 0 is four times as long as microbatch 1. As in a two-machine flow
    /// shop (Johnson's rule), sending the short one first lets device 1 start sooner, so a schedule
    /// that keeps microbatch order loses.
    static func orderMatters() throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -1, backwardWeight: 0))
        return try Problem(name: "order-matters", microbatches: 2, devices: 2, stages: [stage, stage],
                           microbatchScales: [MicrobatchScale(time: 4, memory: 1), .one])
    }

    @Test func scalesAreReadAsNumbersOrObjectsAndWrittenBackCompactly() throws {
        let json = #"{"microbatches": 3, "devices": 1, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}],"#
            + #" "microbatchScales": [1, 0.5, {"time": 2}]}"#
        let problem = try Problem.decode(json: Data(json.utf8))
        #expect(problem.microbatchScales == [.one, MicrobatchScale(time: 0.5, memory: 0.5), MicrobatchScale(time: 2, memory: 1)])
        #expect(problem.costsVaryByMicrobatch)
        let written = String(decoding: try JSONEncoder().encode(problem), as: UTF8.self)
        #expect(written.contains(#""microbatchScales":[1,0.5,{"#))
        #expect(try Problem.decode(json: JSONEncoder().encode(problem)) == problem)
        let plain = try Problem.decode(json: Data(#"{"microbatches": 2, "devices": 1, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}]}"#.utf8))
        #expect(plain.microbatchScales == nil && !plain.costsVaryByMicrobatch)
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("microbatchScales"))
    }

    @Test(arguments: [
        (#"[1]"#, "microbatchScales", "lists 1 scales for 2 microbatches"),
        (#"[1, 0]"#, "microbatchScales[1].time", "finite factor > 0"),
        (#"[1, {"time": 1, "memory": -2}]"#, "microbatchScales[1].memory", "finite factor > 0"),
        (#"[1, {"tme": 1}]"#, "microbatchScales[1]", "tme"),
    ])
    func badScalesAreRefusedByName(scales: String, field: String, message: String) throws {
        let json = #"{"microbatches": 2, "devices": 1, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "microbatchScales": "#
            + scales + "}"
        #expect { try Problem.decode(json: Data(json.utf8)) } throws: { error in
            guard let error = error as? ProblemError else { return false }
            return error.field.hasPrefix(field) && "\(error)".contains(message)
        }
    }

    @Test func everyPassOfAMicrobatchScalesInTimeAndMemory() throws {
        let problem = try Self.single()
        let order: [Op] = [.forward(0, 0), .forward(0, 1), .backwardInput(0, 0), .backwardWeight(0, 0), .backwardInput(0, 1), .backwardWeight(0, 1)]
        let simulation = try Simulator.simulate(problem, Schedule(orders: [order]))
        #expect(simulation.timeline[0].map { [$0.start, $0.end] } == [[0, 1], [1, 3], [3, 4], [4, 5], [5, 7], [7, 9]])
        #expect(simulation.memoryAfterOp[0] == [2, 8, 7, 6, 3, 0])
        #expect(problem.work(device: 0) == 9)
        // One microbatch needs 6 (the larger one's activations): a cap of 5 is refused by name.
        #expect(problem.minimumMemory(device: 0) == 6)
        #expect { try problem.withMemoryLimit([5]) } throws: { error in
            (error as? ProblemError)?.field == "memoryLimit" && "\(error)".contains("its largest microbatch")
        }
        let capped = try problem.withMemoryLimit([6])
        #expect(Validator.validate(capped, simulation.timeline).contains { $0.rule == .memory })
    }

    @Test func theOrderOfMicrobatchesMattersWhenTheyDiffer() throws {
        let problem = try Self.orderMatters()
        for objective in Objective.allCases {
            let free = try #require(ExhaustiveSearch.solve(problem, objective: objective)).optimum
            let ordered = try #require(ExhaustiveSearch.solve(problem, objective: objective, options: .init(microbatchOrder: true))).optimum
            #expect(free < ordered - 1e-9, "\(objective): \(free) vs \(ordered)")
            #expect(LowerBound.value(problem, objective: objective) <= free + 1e-9)
        }
        #expect(!problem.microbatchOrderIsLossless(choosingActions: false))
    }

    @Test(arguments: RefereeSeeds.first(24))
    func boundsStayBelowTheExhaustiveOptimum(seed: UInt64) throws {
        let problem = Self.scaled(seed: seed)
        try BoundReferee.check(problem)
    }

    @Test(arguments: RefereeSeeds.first(24))
    func theGreedyAndAutoEmitValidSchedulesNoBetterThanTheOptimum(seed: UInt64) throws {
        let problem = Self.scaled(seed: seed)
        for objective in Objective.allCases {
            guard let reference = ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 50_000)) else { continue }
            let report = AutoSearch.run(problem, options: SolveOptions(objective: objective, timeLimit: 0.2, seed: 1),
                                        methods: Methods.standard.autoCandidates)
            let best = try #require(report.best, "\(problem.name)")
            let evaluation = try Evaluation(problem, best, objective: objective)
            #expect(evaluation.isValid, "\(problem.name): \(evaluation.issues)")
            #expect(evaluation.metrics.value(of: objective) >= reference.optimum - 1e-9)
        }
    }

    @Test func theSearchPutsTheShortMicrobatchFirst() throws {
        let problem = try Self.orderMatters()
        let optimum = try #require(ExhaustiveSearch.solve(problem, objective: .makespan)).optimum
        let report = AutoSearch.run(problem, options: SolveOptions(objective: .makespan, timeLimit: 1, seed: 1), methods: Methods.standard.autoCandidates)
        let evaluation = try Evaluation(problem, try #require(report.best), objective: .makespan)
        #expect(evaluation.isValid)
        #expect(abs(evaluation.metrics.makespan - optimum) <= 1e-9, "auto \(evaluation.metrics.makespan), optimum \(optimum)")
    }
}

extension MicrobatchScaleTests {
    /// The greedy's pass table reads the one accounting: every kind, microbatch and recomputation
    /// choice gives `Problem.duration(_:)` and `memoryDelta(_:recomputed:)`, with microbatch 0 scaled too.
    @Test func theGreedysPassTableAgreesWithTheProblem() throws {
        let stage = StageProfile(slices: [PassCosts(forward: 1, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 4, backwardInput: -1, backwardWeight: -3),
                                                    recompute: RecomputeCost(time: 1, keptMemory: 1))])
        let problem = try Problem(name: "table", microbatches: 3, devices: 2, stages: [stage, stage],
                                  microbatchScales: [MicrobatchScale(time: 2, memory: 3), .one, MicrobatchScale(time: 0.5, memory: 0.25)])
        let table = PassTable(problem)
        for stage in 0..<2 {
            for microbatch in 0..<3 {
                for kind in [OpKind.forward, .backwardInput, .backwardWeight, .backward, .recompute] {
                    let op = Op(kind, stage: stage, microbatch: microbatch)
                    #expect(table.time(kind, stage, microbatch: microbatch) == problem.duration(op), "\(op)")
                    for recomputed in [false, true] {
                        #expect(table.memory(kind, stage, recomputed: recomputed, microbatch: microbatch) == problem.memoryDelta(op, recomputed: recomputed),
                                "\(op) recomputed \(recomputed)")
                    }
                }
            }
        }
    }
}
