import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// Memory caps no schedule can meet. The problem checks only that one microbatch fits; with two
/// sequence slices, a stage's backward needs both slices' forwards held at once, so a cap of
/// exactly one forward's activations admits no schedule at all.
@Suite struct InfeasibleCapTests {
    func slicedProblem(cap: Double) -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        return try! Problem(name: "sliced", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: [cap, cap], sequenceSlices: 2)
    }

    @Test(arguments: [SolverKind.glpk, .cbc])
    func impossibleCapIsReportedAsInfeasibleWithTheSmallestWorkingCap(solver: SolverKind) throws {
        let problem = slicedProblem(cap: 2)
        #expect(GreedySearch.best(problem, objective: .stageSpan) == nil)
        do {
            _ = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: solver), timeLimit: 10)
            Issue.record("expected no schedule under the cap")
        } catch {
            guard case .noScheduleFitsCap(let method, let smallestCap) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(method == "ilp")
            let cap = try #require(smallestCap)
            #expect(cap >= 4 - 1e-6)
            #expect(error.description.contains("finds no schedule within the memory cap"))
            #expect(try ILPSearch.solve(slicedProblem(cap: cap), objective: .stageSpan, settings: ILPSettings(solver: solver), timeLimit: 10)
                .report.status == "optimal")
        }
    }

    @Test func impossibleCapExitsThreeOnTheCommandLine() throws {
        let path = try CLIRunner.write(slicedProblem(cap: 2))
        let result = try CLIRunner.run(["solve", path, "--method", "ilp", "--solver", "glpk", "--time-limit", "10"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("no schedule within the memory cap"))
        #expect(result.stdout.isEmpty)
    }
}
