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
        #expect(try Self.problem(.all) == actions)
    }

    @Test func fullRecomputationLeavesNothingToChoose() throws {
        #expect(try !Self.problem(.recompute, recomputation: .full).hasMemoryActions)
    }

    @Test func offloadIsRefusedAsNotModelled() {
        #expect { try Self.problem(.offload) } throws: { error in
            (error as? ProfileError)?.field == "memoryActions"
        }
    }
}
