import LinearProgramming
import PipeSched
import Testing
@testable import PipeSchedILP

/// Backward passes that allocate (ΔB > 0, as `profile --recompute full` produces): a fused `BW`
/// peaks lower than `B` then `W`. With caps at the peak of a fused-backward 1F1B, every method must
/// find a schedule at least as good as that 1F1B, and no "optimal" may be beaten by it (the ILP
/// models split passes only, so it may not claim optimality there unless the core's bound proves it).
@Suite struct AllocatingBackwardTests {
    /// Random costs, ΔF in [1, 2], ΔB in (0, 1.5] (B re-materialises activations), W frees the rest.
    static func problem(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed)
        func draw(_ range: ClosedRange<Int>) -> Double { Double(Int.random(in: range, using: &generator)) }
        let p = 3
        let stages = (0..<p).map { _ -> StageProfile in
            let forward = draw(2...4) * 0.5, backward = draw(1...3) * 0.5
            return StageProfile(forward: draw(2...8) * 0.25, backwardInput: draw(2...8) * 0.25, backwardWeight: draw(1...6) * 0.25,
                                memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: -(forward + backward)))
        }
        let unlimited = try! Problem(name: "recompute-\(seed)", microbatches: 4, devices: p, stages: stages, communication: Communication(latency: 0.25))
        let peaks = try! Simulator.simulate(unlimited, OneFOneB().build(unlimited)).peakMemory
        return try! unlimited.withMemoryLimit(peaks)
    }

    static let seeds: [UInt64] = Array(1...12)

    @Test(arguments: seeds)
    func everyMethodMeetsTheCapOfAFusedOneFOneBAndNoOptimalIsBeaten(seed: UInt64) throws {
        let problem = Self.problem(seed: seed)
        #expect(problem.fusedBackwardCanLowerPeak)
        let oneFOneB = try Methods.solve(problem, method: "1f1b").evaluation.metrics.stageSpan
        let registry = MethodRegistry.withILP(ILPSettings(solver: .cbc))
        for method in ["greedy", "local", "auto", "ilp"] {
            let solution = try registry.solve(problem, method: method, options: SolveOptions(timeLimit: 2))
            let value = solution.evaluation.metrics.stageSpan
            #expect(value <= oneFOneB + 1e-9, "\(method) gives \(value), a fused 1F1B \(oneFOneB)")
            #expect(solution.evaluation.metrics.lowerBound <= oneFOneB + 1e-9)
            if let report = solution.solver {
                #expect(report.bestBound.map { $0 <= oneFOneB + 1e-9 } ?? true, "\(method): bound \(report)")
            }
        }
    }

    /// The ILP's "optimal" against exhaustive search over fused and split passes.
    @Test(arguments: [UInt64(3), 5, 8])
    func anOptimalILPIsNeverBeatenByAFusedSchedule(seed: UInt64) throws {
        let problem = ILPTestProblems.tinyRecompute(seed: seed)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan))
        let outcome = try ILPSearch.solve(problem, objective: .stageSpan, settings: ILPSettings(solver: .cbc), timeLimit: 10)
        let evaluation = try Evaluation(problem, outcome.schedule, objective: .stageSpan)
        #expect(evaluation.isValid)
        #expect(outcome.provenBound <= reference.optimum + 1e-9)
        if outcome.report.status == "optimal" {
            #expect(evaluation.metrics.stageSpan <= reference.optimum + 1e-9, "\(outcome.report)")
        }
    }
}
