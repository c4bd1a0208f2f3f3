import CLITestSupport
import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// Memory caps no schedule can meet. Any cap at or above the one-microbatch minimum is feasible (run
/// the microbatches one at a time), so a cap below it is refused with the problem, before any solver
/// runs, naming the smallest cap that works; at exactly that cap the ILP proves an optimum.
@Suite struct InfeasibleCapTests {
    func slicedProblem(cap: Double) throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        return try Problem(name: "sliced", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: [cap, cap], sequenceSlices: 2)
    }

    @Test func capBelowOneMicrobatchIsRefusedNamingTheSmallestWorkingCap() throws {
        #expect {
            try slicedProblem(cap: 2)
        } throws: { error in
            "\(error)".contains("needs at least 4") && "\(error)".contains("raise the cap to 4")
        }
    }

    @Test(arguments: [SolverKind.glpk, .cbc])
    func theSmallestWorkingCapIsSolvedToOptimality(solver: SolverKind) throws {
        let problem = try slicedProblem(cap: 4)
        #expect(GreedySearch.best(problem, objective: .stageSpan) != nil)
        let result = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: solver), timeLimit: 60)  // ends when proven; room for a busy machine
        #expect(result.report.status == "optimal")
    }

    @Test func capBelowOneMicrobatchExitsTwoOnTheCommandLine() throws {
        let path = try CLIRunner.writeJSON(try slicedProblem(cap: 4))
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["memoryLimit"] = 2
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let result = try CLIRunner.run(["solve", path, "--method", "ilp", "--solver", "glpk", "--time-limit", "10"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("memoryLimit") && result.stderr.contains("needs at least 4"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
