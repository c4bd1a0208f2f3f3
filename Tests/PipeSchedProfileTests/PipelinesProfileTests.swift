import Foundation
import PipeSched
import Testing
@testable import PipeSchedProfile

/// `profile --pipelines 2 --placement v`: two copies of the model, each cut into p stages alike,
/// in opposite directions over the same devices, each device holding both copies' weights.
struct PipelinesProfileTests {
    @Test func twoPipelinesCopyTheModelAndCountBothWeights() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.partition = .uniform
        let sequential = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options).build()
        options.placement = .v
        options.pipelines = 2
        let problem = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options).build()
        #expect(problem.pipelines == 2 && problem.stageCount == 8 && problem.stageDevice == [0, 1, 2, 3, 3, 2, 1, 0])
        #expect(Array(problem.stages.prefix(4)) == sequential.stages && Array(problem.stages.suffix(4)) == sequential.stages)
        #expect(problem.partition == [2, 2, 2, 2, 2, 2, 2, 2])
        for device in 0..<4 {
            #expect(abs(problem.staticMemory(device: device) - sequential.staticMemory(device: device) - sequential.staticMemory(device: 3 - device)) < 1e-12)
        }
        #expect(problem.name.hasSuffix("-x2"))
    }

    @Test func pipelinesThatDoNotSplitTheStagesNameTheField() throws {
        var options = ProfileOptions(devices: 3, microbatches: 8)
        options.pipelines = 2
        let error = #expect(throws: ProfileError.self) {
            _ = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options)
        }
        #expect(error?.field == "pipelines")
    }
}

/// `profile --vocabulary-parallel`: the output layer cut into one vocabulary shard per device, each
/// a stage reading the last transformer stage (Vocabulary Parallelism, `StageGraph`).
struct VocabularyParallelProfileTests {
    @Test func theHeadBecomesOneShardPerDeviceReadingTheLastStage() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.partition = .uniform
        let whole = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options).build()
        options.vocabularyParallel = true
        let builder = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options)
        let problem = try builder.build()
        #expect(problem.stageCount == 8 && problem.stageDevice == [0, 1, 2, 3, 0, 1, 2, 3])
        #expect(problem.graph.inputs.suffix(4).allSatisfy { $0 == [3] } && problem.graph.lossPartners[4] == [5, 6, 7])
        #expect(problem.partition == whole.partition.map { $0 + [0, 0, 0, 0] })
        #expect(problem.name.hasSuffix("-vp"))
        // The shards' projection FLOPs together are the head's: the last stage's time moves to them.
        let head = builder.costs.head(tokens: Double(builder.model.sequenceLength))
        let shard = builder.costs.headShard(tokens: Double(builder.model.sequenceLength), shards: 4)
        #expect(abs(4 * shard.forwardFLOPs - head.forwardFLOPs) < 1e-6 * head.forwardFLOPs)
        let moved = whole.stages[3].forward - problem.stages[3].forward
        #expect(abs(moved - 4 * problem.stages[4].forward) < 1e-9 * whole.stages[3].forward)
        // The output projection's weights are spread over the devices.
        let total = (0..<4).reduce(0.0) { $0 + problem.staticMemory(device: $1) }
        #expect(abs(total - (0..<4).reduce(0.0) { $0 + whole.staticMemory(device: $1) }) < 1e-9 * total)
        #expect(problem.staticMemory(device: 3) < whole.staticMemory(device: 3))
        // The searches schedule it, and the schedule is valid.
        let solution = try Methods.solve(problem, method: "greedy")
        #expect(Validator.validate(problem, solution.evaluation.timeline).isEmpty)
    }

    @Test func vocabularyParallelismWithTwoPipelinesNamesTheField() throws {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.placement = .v
        options.pipelines = 2
        options.vocabularyParallel = true
        let error = #expect(throws: ProfileError.self) {
            _ = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(), options: options)
        }
        #expect(error?.field == "vocabularyParallel")
    }
}
