import PipeSched
import PipeSchedCPSAT
import Testing
@testable import PipeSchedILP

/// The window models (`ilp-window`, `cpsat-window`) have no recomputation passes: they refuse
/// problems where recomputing could lower a capped peak instead of claiming an optimum over a smaller
/// space, and `auto` says why; `ilp` (`ILPRecomputationTests`) and `cpsat` (`CPSATMemoryActionTests`)
/// choose the actions.
@Suite struct MemoryActionsRefusalTests {
    static func problem(capped: Bool) throws -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 2, backwardInput: 2, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0),
                                                    recompute: RecomputeCost(time: 0.5, keptMemory: 0))])
        return try Problem(name: "recompute", microbatches: 2, devices: 2, stages: [stage, stage], memoryLimit: capped ? [2, 100] : nil)
    }

    @Test(arguments: ["ilp-window", "cpsat-window"])
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

    @Test func autoSkipsTheWindowModelsAndStillRecomputes() throws {
        let problem = try Self.problem(capped: true)
        let report = AutoSearch.run(problem, options: SolveOptions(timeLimit: 1),
                                    methods: [ILPWindowMethod(settings: ILPSettings())] + Methods.standard.autoCandidates)
        let skipped = report.candidates.filter { if case .doesNotFit(let reason) = $0.outcome { reason.contains("recompute") } else { false } }
        #expect(skipped.contains { $0.method == "ilp-window" }, "\(report.candidates.map(\.method))")
        let best = try #require(report.best)
        #expect(best.orders.joined().contains { $0.kind == .recompute })
    }
}
