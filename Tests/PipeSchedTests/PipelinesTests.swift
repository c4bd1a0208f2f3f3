import Foundation
import Testing
@testable import PipeSched

/// Several pipelines over the same devices (`Pipelines.swift`): Chimera's and DualPipe's two copies
/// of the model in opposite directions. The chains start and turn at each pipeline's ends, the
/// greedy admits each pipeline's microbatches on its own, and exhaustive search referees the
/// bounds and `auto`'s claims.
struct PipelinesTests {
    /// A tiny problem of two pipelines: the bidirectional V (each copy's stage `s` on devices `s`
    /// and `p − 1 − s`) or both copies down the devices (interleaved), one copy's costs or two
    /// drawn apart, with link latency, static memory and caps from the minimum up to none.
    static func tiny(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed &* 104_729 &+ 5)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        let shapes: [(devices: Int, microbatches: Int, placement: Placement)] = [
            (2, 1, .v), (1, 2, .interleaved), (2, 1, .interleaved), (2, 2, .v), (3, 1, .v),
        ]
        let shape = shapes[Int(seed % UInt64(shapes.count))]
        let copy = (0..<shape.devices).map { _ -> StageProfile in
            let forward = Double(draw(1...3))
            let backward = Double(draw(-2...2)) * 0.5
            return StageProfile(slices: [PassCosts(forward: Double(draw(1...3)), backwardInput: Double(draw(0...3)), backwardWeight: Double(draw(0...2)),
                                                   memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: -(forward + backward)))],
                                staticMemory: Double(draw(0...1)))
        }
        let stages = copy + (draw(0...1) == 0 ? copy : copy.shuffled(using: &generator))
        let latency = [0, 0.5, 1][draw(0...2)]
        let unlimited = try! Problem(name: "two-pipelines-\(seed)", microbatches: shape.microbatches, devices: shape.devices,
                                     placement: shape.placement, stages: stages, communication: Communication(latency: latency), pipelines: 2)
        guard draw(0...3) > 0 else { return unlimited }
        let caps = (0..<shape.devices).map { unlimited.minimumMemory(device: $0) + Double(draw(0...4)) * 0.5 }
        return try! unlimited.withMemoryLimit(caps)
    }

    /// Two pipelines in opposite directions on two devices, unit costs.
    static func bidirectional(microbatches: Int = 1, latency: Double = 0) throws -> Problem {
        let unit = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        return try Problem(name: "bidirectional", microbatches: microbatches, devices: 2, placement: .v, stages: Array(repeating: unit, count: 4),
                           communication: Communication(latency: latency), pipelines: 2)
    }

    @Test func eachPipelinesChainStartsAndTurnsAtItsOwnEnds() throws {
        let problem = try Self.bidirectional()
        #expect(problem.stageDevice == [0, 1, 1, 0])
        #expect(problem.dependencies(of: .forward(2, 0)).isEmpty, "the second pipeline's first stage reads the input")
        #expect(problem.dependencies(of: .forward(1, 0)) == [.op(.forward(0, 0))])
        #expect(problem.dependencies(of: .backwardInput(1, 0)) == [.op(.forward(1, 0))], "the first pipeline's last stage starts from its loss")
        #expect(problem.dependencies(of: .backwardInput(2, 0)) == [.op(.forward(2, 0)), .inputGradient(stage: 3, microbatch: 0, slice: 0)])
        #expect(problem.messageSize(.backwardInput, stage: 2, slice: 0) == 1, "the first stage of a pipeline sends no gradient")
        // Both devices start at once, one pipeline each: F0 B0 ... runs in 1F1B fashion on each copy.
        let schedule = Schedule(orders: [
            [.forward(0, 0), .forward(3, 0), .backwardInput(3, 0), .backwardInput(0, 0), .backwardWeight(3, 0), .backwardWeight(0, 0)],
            [.forward(2, 0), .forward(1, 0), .backwardInput(1, 0), .backwardInput(2, 0), .backwardWeight(1, 0), .backwardWeight(2, 0)],
        ])
        let timeline = try Simulator.simulate(problem, schedule).timeline
        #expect(Validator.validate(problem, timeline).isEmpty)
        #expect(timeline[0][0].start == 0 && timeline[1][0].start == 0)
        #expect(timeline[0][1].start == 1, "F(3) follows F(2) on the other device")
        #expect(timeline.joined().map(\.end).max() == 6)
        // One pipeline of the same stages is a V: its chain runs through all four and takes longer.
        let v = try problem.with { $0.pipelines = 1 }
        #expect(v.dependencies(of: .forward(2, 0)) == [.op(.forward(1, 0))])
        #expect(try Methods.standard.solve(v, method: "greedy").evaluation.metrics.makespan > 6)
    }

    /// Device 1 of two opposite pipelines over 4 devices holds the first copy's stage 1 and the
    /// second copy's stage 6, unit costs, room for two activations. Each copy's passes there count
    /// from the forward of its own stage: B6 can start 3 after F6 (F7 and B7 on device 0), B1 5 after
    /// F1. Until then only the two forwards fit, so at least 3 − 2 = 1 of the first 3 is idle. One
    /// origin (stage 1's forward) would tie nothing of the second copy to it and find no window.
    @Test func theStartupWindowCountsEachPipelineFromItsOwnFirstStage() throws {
        let problem = try Self.bidirectional(microbatches: 4).with { $0.devices = 4; $0.stages = Array(repeating: $0.stages[0], count: 8) }
            .withMemoryLimit(Array(repeating: 2, count: 4))
        #expect(problem.deviceStages[1] == [1, 6])
        let chains = MicrobatchChains(problem)
        #expect(StartupBound.startupIdle(problem, device: 1, chains: chains) == 1)
        #expect(LowerBound.parts(problem, objective: .stageSpan).startup >= problem.work(device: 1) + 1)
    }

    @Test func pipelinesRoundTripAndBadCountsNameTheField() throws {
        let problem = try Self.bidirectional(microbatches: 2)
        let data = try JSONEncoder().encode(problem)
        #expect(try JSONDecoder().decode(Problem.self, from: data) == problem)
        #expect(String(decoding: data, as: UTF8.self).contains("\"pipelines\":2"))
        #expect(!String(decoding: try JSONEncoder().encode(problem.with { $0.pipelines = 1 }), as: UTF8.self).contains("pipelines"))
        for (count, stages) in [(0, 4), (3, 4)] {
            let error = #expect(throws: ProblemError.self) {
                _ = try problem.with { $0.pipelines = count; $0.stages = Array($0.stages.prefix(stages)) }
            }
            #expect(error?.field == "pipelines")
        }
    }

    @Test func handDesignedFamiliesAndOnePipelinePortsRefuseSeveralPipelines() throws {
        let problem = try Self.bidirectional(microbatches: 4)
        for name in ["zb-v", "v-half", "dualpipev", "zbv-greedy"] {
            let method = try #require(Methods.standard.named(name))
            #expect(!method.fits(problem), "\(name)")
        }
        for name in ["zb-v", "dualpipev"] {
            #expect(try Methods.standard.named(name)!.fits(problem.with { $0.pipelines = 1 }))
        }
    }

    /// Every greedy policy stays within the caps: each pipeline's stream is admitted on its own, so
    /// a microbatch of the second pipeline never runs a forward the cap has not made room for.
    /// Each seed checks half of the grid (`PolicySample`); consecutive seeds cover all of it.
    @Test(arguments: RefereeSeeds.first(16))
    func everyGreedyPolicyStaysWithinTheCaps(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed &+ 991)
        let devices = [2, 3, 4][Int(seed % 3)]
        let copy = (0..<devices).map { _ in
            StageProfile(forward: Double(Int.random(in: 1...4, using: &generator)), backwardInput: Double(Int.random(in: 1...4, using: &generator)),
                         backwardWeight: Double(Int.random(in: 0...3, using: &generator)),
                         memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1), staticMemory: 1)
        }
        let unlimited = try Problem(name: "bidirectional-\(seed)", microbatches: 6, devices: devices, placement: seed % 2 == 0 ? .v : .interleaved,
                                    stages: copy + copy, communication: Communication(latency: 0.5), pipelines: 2)
        let problem = try unlimited.withMemoryLimit((0..<devices).map { unlimited.minimumMemory(device: $0) + Double(seed % 4) * 2 })
        var ran = 0
        for policy in PolicySample.policies(for: problem, every: 2, index: Int(seed)) {
            guard let schedule = ListScheduler(problem: problem, policy: policy).schedule() else { continue }
            let timeline = try Simulator.simulate(problem, schedule).timeline
            #expect(Validator.validate(problem, timeline).isEmpty, "\(policy)")
            ran += 1
        }
        #expect(ran > 0)
        let solution = try Methods.standard.solve(problem, method: "greedy")
        #expect(solution.evaluation.metrics.value(of: .stageSpan) >= solution.evaluation.metrics.lowerBound - 1e-9)
    }

    @Test(arguments: RefereeSeeds.first(20))
    func boundsStayBelowTheExhaustiveOptimum(seed: UInt64) throws {
        try BoundReferee.check(Self.tiny(seed: seed))
    }

    @Test(arguments: RefereeSeeds.first(10))
    func autosClaimsHoldAgainstExhaustiveSearch(seed: UInt64) throws {
        try AutoReferee.check(Self.tiny(seed: seed))
    }
}
