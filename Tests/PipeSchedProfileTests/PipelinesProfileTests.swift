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
