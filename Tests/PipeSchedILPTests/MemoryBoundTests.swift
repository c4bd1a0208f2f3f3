import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// The core's memory bound (`MemoryBound`) inside the ILP: it lifts the bound of memory-starved
/// pipelines and the solver still proves them.
@Suite struct MemoryBoundTests {
    @Test func liftsTheBoundOfAMemoryStarvedPipelineAndTheILPStillProves() throws {
        // A cap of one microbatch's activations: every device runs one microbatch at a time.
        let problem = ILPTestProblems.hetero(devices: 4, microbatches: 6, seed: 9, cap: 2)
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        #expect(parts.memory > parts.startup + 1)
        let outcome = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: 20)
        let value = try #require(outcome.report.objective)
        #expect(parts.memory <= value + 1e-9)
        #expect(outcome.provenBound >= parts.memory - 1e-9)
    }
}
