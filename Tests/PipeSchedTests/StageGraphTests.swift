import Foundation
import Testing
@testable import PipeSched

/// Stages that form a graph (`StageGraph.swift`): fan-out, fan-in and several outputs sharing the
/// loss, as Vocabulary Parallelism's output shards. The one dependency rule reads the graph, the
/// hand-written orders refuse it, the searches schedule it, and exhaustive search referees the
/// bounds and `auto`'s claims on tiny graphs.
struct StageGraphTests {
    /// Two transformer stages on two devices and one vocabulary shard per device, each reading
    /// stage 1: stage 1's output goes to both shards, and both shards' forwards come before either
    /// shard's backward.
    static func vocabularyShards(microbatches: Int = 2, latency: Double = 0) throws -> Problem {
        let layer = StageProfile(forward: 2, backwardInput: 2, backwardWeight: 1, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        var shard = StageProfile(forward: 0.5, backwardInput: 0.5, backwardWeight: 0.5, memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        shard.inputs = [1]
        return try Problem(name: "vocabulary-shards", microbatches: microbatches, devices: 2, placement: .interleaved,
                           stages: [layer, layer, shard, shard], communication: Communication(latency: latency))
    }

    /// A tiny random graph: 2–4 stages on 1–2 devices, each reading a random set of earlier stages
    /// (the chain when it draws so), one or two microbatches, latency, and caps from the minimum up
    /// to none.
    static func tiny(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed &* 7_919 &+ 3)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        let devices = draw(1...2), count = draw(2...4)
        let stages = (0..<count).map { index -> StageProfile in
            let forward = Double(draw(1...2))
            var stage = StageProfile(forward: Double(draw(1...3)), backwardInput: Double(draw(1...3)), backwardWeight: Double(draw(0...2)),
                                     memory: MemoryDeltas(forward: forward, backwardInput: -forward / 2, backwardWeight: -forward / 2),
                                     staticMemory: Double(draw(0...1)))
            if index > 0 { stage.inputs = (0..<index).filter { _ in draw(0...1) == 1 } }
            return stage
        }
        let placement: Placement = .explicit((0..<count).map { $0 < devices ? $0 : draw(0...(devices - 1)) })
        let unlimited = try! Problem(name: "graph-\(seed)", microbatches: draw(1...2), devices: devices, placement: placement,
                                     stages: stages, communication: Communication(latency: [0, 0.5][draw(0...1)]))
        guard draw(0...2) > 0 else { return unlimited }
        return try! unlimited.withMemoryLimit((0..<devices).map { unlimited.minimumMemory(device: $0) + Double(draw(0...3)) })
    }

    @Test func theRuleReadsFanOutFanInAndTheSharedLoss() throws {
        let problem = try Self.vocabularyShards()
        #expect(!problem.graph.isChain)
        #expect(problem.graph.consumers[1] == [2, 3])
        #expect(problem.dependencies(of: .forward(2, 0)) == [.op(.forward(1, 0))], "a shard reads the last transformer stage, not stage 1 + 1")
        #expect(problem.dependencies(of: .forward(3, 0)) == [.op(.forward(1, 0))])
        #expect(problem.dependencies(of: .backwardInput(2, 0)) == [.op(.forward(2, 0)), .op(.forward(3, 0))],
                "a shard's backward waits for the other shard's softmax statistics")
        #expect(problem.dependencies(of: .backwardInput(1, 0)) == [
            .op(.forward(1, 0)), .inputGradient(stage: 2, microbatch: 0, slice: 0), .inputGradient(stage: 3, microbatch: 0, slice: 0),
        ], "the last transformer stage sums both shards' input gradients")
        #expect(problem.startsPipeline(0) && !problem.startsPipeline(2))
        #expect(problem.endsPipeline(2) && problem.endsPipeline(3) && !problem.endsPipeline(1))
        #expect((0..<4).map { problem.position(inPipeline: $0) } == [0, 1, 2, 2])
        // A chain is unchanged: every stage reads the one before it and no output has partners.
        let chain = try problem.with { $0.stages = $0.stages.map { var stage = $0; stage.inputs = nil; return stage } }
        #expect(chain.graph.isChain && chain.graph.lossPartners.allSatisfy(\.isEmpty))
        #expect(chain.dependencies(of: .forward(2, 0)) == [.op(.forward(1, 0))])
        #expect(chain.dependencies(of: .backwardInput(2, 0)) == [.op(.forward(2, 0)), .inputGradient(stage: 3, microbatch: 0, slice: 0)])
    }

    @Test func aShardWaitsForEveryShardsForwardInTheSimulator() throws {
        let problem = try Self.vocabularyShards(microbatches: 1, latency: 0.25)
        // Shard 2's backward on device 0 must wait for shard 3's forward on device 1.
        let schedule = Schedule(orders: [
            [.forward(0, 0), .forward(2, 0), .backwardInput(2, 0), .backwardInput(0, 0), .backwardWeight(2, 0), .backwardWeight(0, 0)],
            [.forward(1, 0), .forward(3, 0), .backwardInput(3, 0), .backwardInput(1, 0), .backwardWeight(3, 0), .backwardWeight(1, 0)],
        ])
        let timeline = try Simulator.simulate(problem, schedule).timeline
        #expect(Validator.validate(problem, timeline).isEmpty)
        let f3 = try #require(timeline[1].first { $0.op == .forward(3, 0) })
        let b2 = try #require(timeline[0].first { $0.op == .backwardInput(2, 0) })
        #expect(b2.start >= f3.end + 0.25 - 1e-9, "B(2) waits for F(3)'s statistics and their latency")
        let b1 = try #require(timeline[1].first { $0.op == .backwardInput(1, 0) })
        #expect(b1.start >= b2.end + 0.25 - 1e-9, "B(1) waits for shard 2's input gradient across the link")
        // An order that runs a shard's backward before the other shard's forward on the same device deadlocks.
        let stuck = Schedule(orders: [
            [.forward(0, 0), .forward(2, 0), .backwardInput(2, 0), .backwardInput(0, 0), .backwardWeight(2, 0), .backwardWeight(0, 0)],
            [.forward(1, 0), .backwardInput(3, 0), .forward(3, 0), .backwardInput(1, 0), .backwardWeight(3, 0), .backwardWeight(1, 0)],
        ])
        #expect(throws: SimulationError.self) { try Simulator.simulate(problem, stuck) }
    }

    @Test func badInputsNameTheFieldAndTheFix() throws {
        let base = try Self.vocabularyShards()
        func error(_ change: (inout [StageProfile]) -> Void, pipelines: Int = 1) -> ProblemError? {
            var stages = base.stages
            change(&stages)
            do {
                _ = try Problem(microbatches: 2, devices: 2, placement: pipelines == 1 ? .interleaved : .v, stages: stages, pipelines: pipelines)
                return nil
            } catch { return error }
        }
        let later = try #require(error { $0[1].inputs = [2] })
        #expect(later.field == "stages[1].inputs[0]" && later.message.contains("earlier stages"))
        let negative = try #require(error { $0[2].inputs = [-1] })
        #expect(negative.field == "stages[2].inputs[0]")
        let twice = try #require(error { $0[3].inputs = [1, 1] })
        #expect(twice.field == "stages[3].inputs" && twice.fix.contains("once"))
        let copies = try #require(error({ _ in }, pipelines: 2))
        #expect(copies.field == "stages[2].inputs" && copies.fix.contains("pipelines"))
        // A second branch with no inputs is allowed: it reads the microbatch's input.
        #expect(error { $0[1].inputs = [] } == nil)
    }

    @Test func inputsRoundTripThroughJSONAndTheScheduleRecordsThem() throws {
        let problem = try Self.vocabularyShards()
        let data = try JSONEncoder().encode(problem)
        #expect(String(decoding: data, as: UTF8.self).contains("\"inputs\":[1]"))
        let decoded = try Problem.decode(json: data)
        #expect(decoded.graph == problem.graph)
        let solution = try Methods.standard.solve(problem, method: "greedy")
        let document = solution.document(for: problem)
        #expect(document.stageInputs == [[], [0], [1], [1]])
        #expect(document.mismatch(with: problem) == nil)
        let chain = try problem.with { $0.stages = $0.stages.map { var stage = $0; stage.inputs = nil; return stage } }
        #expect(document.mismatch(with: chain)?.contains("stage inputs") == true, "a graph's schedule is not the chain's")
        #expect(ScheduleDocument(problem: chain, method: "x", objective: .stageSpan, evaluation: solution.evaluation).stageInputs == nil)
    }

    @Test func handWrittenOrdersAndPortsRefuseAGraphTheSearchesScheduleIt() throws {
        let problem = try Self.vocabularyShards(microbatches: 4)
        for name in ["1f1b", "gpipe", "interleaved-1f1b", "zb-h1", "bfs"] {
            let method = try #require(Methods.standard.named(name))
            #expect(throws: FamilyError.self, "\(name)") { try method.checkFits(problem) }
        }
        let sequential = try Problem(microbatches: 2, devices: 2, stages: [problem.stages[0], { var s = problem.stages[1]; s.inputs = [] ; return s }()])
        #expect(!sequential.graph.isChain)
        let port = try #require(Methods.standard.named("zb-greedy"))
        #expect(throws: FamilyError.self) { try port.checkFits(sequential) }
        for method in ["greedy", "local", "auto"] {
            let solution = try Methods.standard.solve(problem, method: method, options: SolveOptions(timeLimit: 0.3))
            #expect(Validator.validate(problem, solution.evaluation.timeline).isEmpty, "\(method)")
            #expect(solution.evaluation.metrics.stageSpan >= solution.evaluation.metrics.lowerBound - 1e-9)
        }
    }

    @Test(arguments: RefereeSeeds.first(24))
    func boundsStayBelowTheExhaustiveOptimum(seed: UInt64) throws {
        try BoundReferee.check(Self.tiny(seed: seed))
    }

    @Test(arguments: RefereeSeeds.first(12))
    func autosClaimsHoldAgainstExhaustiveSearch(seed: UInt64) throws {
        try AutoReferee.check(Self.tiny(seed: seed))
    }

    @Test(arguments: RefereeSeeds.first(32))
    func everyGreedyPolicyBuildsAValidScheduleWithinTheCaps(seed: UInt64) throws {
        let problem = Self.tiny(seed: seed)
        var ran = 0
        for policy in PolicySample.distinctGrid(for: problem, fusing: true) {
            guard let schedule = ListScheduler(problem: problem, policy: policy).schedule() else { continue }
            let timeline = try Simulator.simulate(problem, schedule).timeline
            #expect(Validator.validate(problem, timeline).isEmpty, "\(policy) on \(problem.name)")
            ran += 1
        }
        #expect(ran > 0, "no policy scheduled \(problem.name)")
    }
}
