import PipeSched
import PipeSchedCPSAT
import Testing
@testable import PipeSchedILP

/// The MILP and the CP-SAT window model have no recomputation passes: they refuse problems where
/// recomputing could lower a capped peak instead of claiming an optimum over a smaller space, and
/// `auto` says why; the whole-problem CP-SAT model chooses the actions (`CPSATMemoryActionTests`).
@Suite struct MemoryActionsRefusalTests {
    static func problem(capped: Bool) throws -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0),
                                                    recompute: RecomputeCost(time: 0.5, keptMemory: 0))])
        return try Problem(name: "recompute", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: capped ? [2, 100] : nil)
    }

    @Test(arguments: ["ilp", "ilp-window", "cpsat-window"])
    func exactMethodsRefuseRecomputationUnderACap(method: String) throws {
        let registry = MethodRegistry.withExactMethods()
        #expect {
            _ = try registry.solve(try Self.problem(capped: true), method: method, options: SolveOptions(timeLimit: 2))
        } throws: { error in
            (error as? SolveError)?.description.contains("stages[0].recompute") == true
        }
    }

    @Test func withoutACapTheActionsCannotMatterAndTheILPSolves() throws {
        let solution = try MethodRegistry.withExactMethods().solve(try Self.problem(capped: false), method: "ilp", options: SolveOptions(timeLimit: 5))
        #expect(solution.evaluation.isValid)
    }

    @Test func autoSkipsTheILPAndStillRecomputes() throws {
        let problem = try Self.problem(capped: true)
        let report = AutoSearch.run(problem, options: SolveOptions(timeLimit: 1), methods: [ILPMethod.forAuto(settings: ILPSettings())] + Methods.standard.autoCandidates)
        let skipped = report.candidates.filter { if case .doesNotFit(let reason) = $0.outcome { reason.contains("recompute") } else { false } }
        #expect(skipped.contains { $0.method == "ilp" }, "\(report.candidates.map(\.method))")
        let best = try #require(report.best)
        #expect(best.orders.joined().contains { $0.kind == .recompute })
    }
}
