import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// `MemoryBound`: memory held over round trips bounds a capped device's span.
@Suite struct MemoryBoundTests {
    @Test func isZeroWithoutCaps() {
        #expect(MemoryBound.value(ILPTestProblems.hetero(devices: 3, microbatches: 4, seed: 1)) == 0)
    }

    @Test(arguments: [(2, 3, 3.0), (3, 2, 3.0), (3, 2, 5.0), (2, 3, 2.0)])
    func neverExceedsTheExhaustiveOptimum(devices: Int, microbatches: Int, cap: Double) throws {
        let problem = ILPTestProblems.hetero(devices: devices, microbatches: microbatches, seed: 4, cap: cap)
        for objective in Objective.allCases {
            let optimum = try #require(BruteForce.optimum(problem, objective: objective))
            #expect(MemoryBound.value(problem) <= optimum + 1e-9, "\(objective)")
        }
    }

    @Test func liftsTheBoundOfAMemoryStarvedPipelineAndTheILPStillProves() throws {
        // A cap of one microbatch's activations: every device runs one microbatch at a time.
        let problem = ILPTestProblems.hetero(devices: 4, microbatches: 6, seed: 9, cap: 2)
        let core = LowerBound.value(problem, objective: .stageSpan)
        let memory = MemoryBound.value(problem)
        #expect(memory > core + 1)
        let outcome = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: 20)
        let value = try #require(outcome.report.objective)
        #expect(memory <= value + 1e-9)
        #expect(outcome.provenBound >= memory - 1e-9)
    }

    @Test func roundTripOfTheLastStageIsItsForward() {
        let problem = ILPTestProblems.hetero(devices: 3, microbatches: 2, seed: 2, cap: 4)
        #expect(MemoryBound.roundTrip(problem, stage: 2, slice: 0) == problem.duration(.forward, stage: 2, slice: 0))
        let first = MemoryBound.roundTrip(problem, stage: 0, slice: 0)
        let expected = (0...2).map { problem.duration(.forward, stage: $0, slice: 0) }.reduce(0, +)
            + (1...2).map { problem.duration(.backwardInput, stage: $0, slice: 0) }.reduce(0, +) + 4 * problem.communication.latency
        #expect(abs(first - expected) < 1e-12)
    }
}
