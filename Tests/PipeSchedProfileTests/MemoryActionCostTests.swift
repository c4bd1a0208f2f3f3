import PipeSched
import Testing
@testable import PipeSchedProfile

/// `profile --memory-actions`: each stage's recomputation cost is what full recomputation would add
/// to its backward and keep from its forward; `none` leaves problems as they were.
@Suite struct MemoryActionCostTests {
    static func problem(_ actions: MemoryActionChoice, recomputation: Recomputation = .selective) throws -> Problem {
        var options = ProfileOptions(devices: 2, microbatches: 4)
        options.memoryActions = actions
        options.recomputation = recomputation
        options.partition = .uniform  // the same stages whatever the recomputation
        return try ProblemBuilder(model: Fixtures.model(Fixtures.gpt()), hardware: Fixtures.device(), options: options).build()
    }

    @Test func noneWritesNoActions() throws {
        #expect(try !Self.problem(.none).hasMemoryActions)
    }

    @Test func recomputeMatchesFullRecomputationStageByStage() throws {
        let actions = try Self.problem(.recompute)
        let full = try Self.problem(.none, recomputation: .full)
        for stage in 0..<actions.stageCount {
            let cost = try #require(actions.recomputeCost(stage: stage, slice: 0))
            #expect(abs(cost.keptMemory - full.memoryDelta(.forward, stage: stage, slice: 0)) < 1e-12)
            #expect(abs(cost.time - (full.duration(.backwardInput, stage: stage, slice: 0) - actions.duration(.backwardInput, stage: stage, slice: 0))) < 1e-9)
            #expect(cost.time > 0 && cost.keptMemory < actions.memoryDelta(.forward, stage: stage, slice: 0))
        }
        let all = try Self.problem(.all)
        for stage in 0..<actions.stageCount {
            #expect(all.recomputeCost(stage: stage, slice: 0) == actions.recomputeCost(stage: stage, slice: 0))
            #expect(all.offloadCost(stage: stage, slice: 0) != nil)
        }
    }

    @Test func fullRecomputationLeavesNothingToChoose() throws {
        #expect(try !Self.problem(.recompute, recomputation: .full).hasMemoryActions)
    }

    @Test func offloadMovesTheActivationsOverTheHostLink() throws {
        let problem = try Self.problem(.offload)
        let host = try #require(Fixtures.device().hostBandwidthGBps)
        for stage in 0..<problem.stageCount {
            let cost = try #require(problem.offloadCost(stage: stage, slice: 0))
            #expect(problem.recomputeCost(stage: stage, slice: 0) == nil)
            // Unsliced: every stored activation can move; the copy takes its bytes over the link.
            #expect(abs(cost.memory - problem.memoryDelta(.forward, stage: stage, slice: 0)) < 1e-12)
            #expect(abs(cost.time - cost.memory * 1024 * 1024 * 1024 / (host * 1e9) * 1e3) < 1e-9)
        }
    }

    @Test func slicedOffloadsKeepTheKeysAndValuesLaterSlicesRead() throws {
        var options = ProfileOptions(devices: 2, microbatches: 4)
        options.memoryActions = .offload
        options.slices = 2
        let problem = try ProblemBuilder(model: Fixtures.model(Fixtures.gpt()), hardware: Fixtures.device(), options: options).build()
        let cost = try #require(problem.offloadCost(stage: 0, slice: 0))
        #expect(cost.memory > 0 && cost.memory < problem.memoryDelta(.forward, stage: 0, slice: 0))
    }

    @Test func offloadNeedsTheHostLinkBandwidth() throws {
        var hardware = try Fixtures.device()
        hardware.hostBandwidthGBps = nil
        var options = ProfileOptions(devices: 2, microbatches: 4)
        options.memoryActions = .offload
        #expect { try ProblemBuilder(model: Fixtures.model(Fixtures.gpt()), hardware: hardware, options: options) } throws: { error in
            (error as? ProfileError)?.field == "hostBandwidthGBps"
        }
    }
}
