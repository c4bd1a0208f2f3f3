import CLITestSupport
import Foundation
import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// The ILP methods as the command line and `auto` see them: registry, placements, result metadata.
@Suite struct ILPMethodTests {
    let registry = MethodRegistry.withILP(ILPSettings(solver: .glpk))

    @Test func registryListsTheExactMethodsBeforeAuto() {
        let names = registry.methods.map(\.name)
        #expect(names.contains("ilp") && names.contains("ilp-window"))
        #expect(names.last == "auto")
        #expect(Methods.all.allSatisfy { $0.name != "ilp" })
    }

    @Test func solutionCarriesTheSolverReportAndTheProvenBound() throws {
        let problem = ILPTestProblems.hetero(devices: 3, microbatches: 4, seed: 5, cap: 5)
        let solution = try registry.solve(problem, method: "ilp", options: SolveOptions(timeLimit: 10))
        let report = try #require(solution.solver)
        #expect(report.status == "optimal")
        #expect(report.gap == 0)
        #expect(report.name.hasPrefix("GLPK"))
        #expect(report.timeLimit == 10)
        #expect(solution.evaluation.metrics.gap == 0)
        #expect(solution.evaluation.metrics.lowerBound >= LowerBound.value(problem, objective: .stageSpan))
        let document = try ScheduleDocument.decode(json: solution.document(for: problem).json())
        #expect(document.solver == report)
    }

    @Test func autoRunsTheILPOnSmallProblemsAndClosesTheGap() throws {
        let problem = ILPTestProblems.hetero(devices: 2, microbatches: 3, seed: 7, cap: 3)
        #expect(ILPMethod.isSmallEnoughToProve(problem))
        let (solution, report) = try registry.solveAuto(problem, options: SolveOptions(timeLimit: 2))
        #expect(report.candidates.contains { $0.method == "ilp" })
        #expect(solution.evaluation.metrics.gap == 0)
        let large = ILPTestProblems.hetero(devices: 4, microbatches: 16, seed: 7)
        #expect(!ILPMethod.isSmallEnoughToProve(large))
    }

    /// `auto --exclude`: the exact candidate's warm start leaves the excluded candidates out too.
    @Test func theWarmStartLeavesExcludedCandidatesOut() throws {
        let problem = ILPTestProblems.hetero(devices: 2, microbatches: 3, seed: 7)
        let others = Set(Methods.standard.autoCandidates.map(\.name)).subtracting(["1f1b"])
        let warm = try #require(WarmStart.best(problem, objective: .stageSpan, localSearchSeconds: 0.1, excluding: others.union(["local"])))
        #expect(warm.source == "1f1b")
    }

    @Test(arguments: [
        (Placement.interleaved, 2, 1), (.v, 2, 1), (.explicit([0, 1, 0, 1]), 2, 1), (.explicit([0, 1, 1, 0]), 2, 1), (.sequential, 1, 2),
    ])
    func everyPlacementAndSlicesAreExpressible(placement: Placement, chunks: Int, slices: Int) throws {
        let problem = ILPTestProblems.hetero(devices: 2, microbatches: 2, seed: 11, cap: 7, placement: placement, chunks: chunks, slices: slices)
        let outcome = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: 20)
        let evaluation = try Evaluation(problem, outcome.schedule, objective: .stageSpan)
        #expect(evaluation.isValid, "\(evaluation.issues)")
        #expect(outcome.report.status == "optimal", "\(outcome.report)")
        if let greedy = GreedySearch.best(problem, objective: .stageSpan) {
            #expect(evaluation.metrics.stageSpan <= greedy.value + 1e-9)
        }
    }

    @Test func placementWhoseFirstStartsDependOnTheOrderStillGetsAValidBoundedSchedule() throws {
        // Device 2's first pass waits for stage 2 on device 0, which device 0 may run late.
        let stage = StageProfile(forward: 1, backwardInput: 1.5, backwardWeight: 0.75, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        let problem = try Problem(microbatches: 3, devices: 3, placement: .explicit([0, 1, 0, 2]), stages: Array(repeating: stage, count: 4),
                                  communication: Communication(latency: 0.25))
        #expect(SpanAnchors(problem, table: OpTable(problem), objective: .makespan).fixedStart == nil)
        let outcome = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: 10)
        let evaluation = try Evaluation(problem, outcome.schedule, objective: .stageSpan)
        #expect(evaluation.isValid)
        let bound = try #require(outcome.report.bestBound)
        #expect(bound <= evaluation.metrics.stageSpan + 1e-9)
        #expect(evaluation.metrics.stageSpan <= GreedySearch.best(problem, objective: .stageSpan)!.value + 1e-9)
    }

    @Test func commandLineWritesTheSolverObjectAndEvaluateAcceptsTheSchedule() throws {
        let problem = ILPTestProblems.hetero(devices: 3, microbatches: 3, seed: 2, cap: 5)
        let path = try CLIRunner.writeJSON(problem)
        let output = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("s.json").path
        for method in ["ilp", "ilp-window"] {
            let solved = try CLIRunner.run(["solve", path, "--method", method, "--solver", "cbc", "--gap", "0", "--time-limit", "5",
                                            "--objective", "makespan", "--output", output])
            #expect(solved.status == 0, "\(solved.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as! [String: Any]
            let solver = try #require(json["solver"] as? [String: Any])
            for key in ["name", "status", "objective", "bestBound", "gap", "nodes", "seconds", "timeLimit"] {
                #expect(solver[key] != nil, "missing solver.\(key)")
            }
            #expect(try CLIRunner.run(["evaluate", path, output]).status == 0)
        }
    }

    @Test func solverOptionsAreValidated() throws {
        let path = try CLIRunner.writeJSON(ILPTestProblems.unit(devices: 2, microbatches: 2))
        #expect(try CLIRunner.run(["solve", path, "--method", "ilp", "--solver", "gurobi"]).status == 2)
        #expect(try CLIRunner.run(["solve", path, "--method", "ilp", "--gap", "-1"]).status == 2)
        #expect(try CLIRunner.run(["solve", path, "--method", "ilp", "--threads", "0"]).status == 2)
    }
}
