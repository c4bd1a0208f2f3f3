import Testing
@testable import PipeSched

/// `ActivationBudget`: the greedy under tighter memory budgets, as `auto`'s candidates.
@Suite struct ActivationBudgetTests {
    /// Random V and interleaved problems capped far above what they hold.
    static func problems() -> [Problem] {
        [(7, Placement.v), (30, .interleaved)].map { seed, placement in
            let problem = TestProblems.random(devices: 4, microbatches: 8, placement: placement, chunks: 2, seed: UInt64(seed))
            return try! problem.withMemoryLimit(Array(repeating: 1_000, count: problem.devices))
        }
    }

    @Test func budgetsOnlyLowerCapsAndAreDistinct() throws {
        for problem in Self.problems() {
            let budgets = ActivationBudget.alternatives(problem)
            #expect(budgets.map(\.factor) == ActivationBudget.factors, "every factor lowers a cap of 1000: \(problem.name)")
            var seen: [[Double]] = []
            for budget in budgets {
                let caps = (0..<problem.devices).map { budget.problem.cap(device: $0) }
                #expect(caps == problem.activationCaps(factor: budget.factor))
                #expect(caps.indices.allSatisfy { caps[$0] <= problem.cap(device: $0) })
                #expect(!seen.contains(caps), "\(budget.name) repeats an earlier budget")
                seen.append(caps)
            }
        }
        // One stage per device: none is tried (docs/search.md).
        let sequential = TestProblems.random(devices: 4, microbatches: 8, seed: 4)
        #expect(ActivationBudget.alternatives(try sequential.withMemoryLimit(Array(repeating: 1_000, count: 4))).isEmpty)
        // At 1p every budget's caps are the problem's own (each is at most the cap): none is tried.
        let tight = try #require(Self.problems().first).withActivationCaps(factor: 1)
        #expect(ActivationBudget.alternatives(tight).isEmpty)
    }

    /// Each budget's greedy schedule is valid on the problem itself; on these problems the one at
    /// 1.5p is shorter than the greedy's at the problem's own caps (on the first, 66.94 against
    /// 69.28; on the second, 72.60 against 73.76); `auto` lists every budget and keeps a schedule at
    /// least as good as each.
    @Test func aTighterBudgetCanWinAndAutoKeepsIt() throws {
        for problem in Self.problems() {
            let plain = try #require(GreedySearch.best(problem, objective: .stageSpan)?.value)
            var values: [Double: Double] = [:]
            for budget in ActivationBudget.alternatives(problem) {
                let result = try #require(GreedySearch.best(budget.problem, objective: .stageSpan))
                #expect(Validator.validate(problem, result.schedule).isEmpty, "\(problem.name) \(budget.name)")
                values[budget.factor] = result.value
            }
            #expect(try #require(values[1.5]) < plain - 1e-6, "\(problem.name): \(values) against \(plain)")
        }
        for problem in Self.problems().prefix(1) {
            let (solution, report) = try Methods.solveAuto(problem, options: SolveOptions(timeLimit: 0.2))
            let rows = report.candidates.filter { $0.method.hasPrefix("greedy (") && $0.method.hasSuffix("p activations)") }
            #expect(rows.map(\.method) == ActivationBudget.alternatives(problem).map { "greedy (\($0.name))" })
            for row in rows {
                guard case .scheduled(let value, _, _, _) = row.outcome else {
                    Issue.record("\(problem.name) \(row.method): \(row.outcome)")
                    continue
                }
                #expect(solution.evaluation.metrics.stageSpan <= value + 1e-9)
            }
        }
    }
}
