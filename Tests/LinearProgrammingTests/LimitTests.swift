import Synchronization
import LinearProgramming
import Testing

/// Time limits and cooperative cancellation. These assert status consistency,
/// with only loose timing bounds that catch hangs.
@Suite struct LimitTests {
    static let backends: [SolverKind] = [.glpk, .cbc]

    /// The invariants every stopped or finished result must satisfy.
    private func expectConsistent(_ result: MILPResult, _ model: MILPModel, requireBound: Bool) {
        switch result.status {
        case .optimal, .feasible:
            #expect(!result.values.isEmpty)
            #expect(model.maximumViolation(at: result.values) <= 1e-6)
            if let objective = result.objective {
                #expect(abs(objective - model.objectiveValue(at: result.values)) <= 1e-6 * max(1, abs(objective)))
            } else {
                Issue.record("a solution without objective")
            }
            // CBC stopped by the wall-clock backstop (before its own limit fired) has no bound.
            if requireBound && result.message?.contains("backstop") != true {
                #expect(result.bestBound != nil && result.gap != nil)
            }
            if let bound = result.bestBound, let objective = result.objective {
                // The hard test model is maximised: the bound is an upper bound.
                #expect(bound >= objective - 1e-6)
            }
        case .noSolution:
            #expect(result.values.isEmpty && result.objective == nil)
        default:
            Issue.record("unexpected status \(result.status): \(result.message ?? "")")
        }
    }

    @Test(arguments: backends)
    func timeLimitOnHardModel(_ kind: SolverKind) throws {
        let model = TestModels.hardMultiKnapsack()
        let result = try kind.makeSolver().solve(model, options: MILPOptions(timeLimit: 0.5, relativeGap: 0))
        #expect([.optimal, .feasible, .noSolution].contains(result.status))
        expectConsistent(result, model, requireBound: true)
        #expect(result.seconds < 10)
    }

    @Test(arguments: backends)
    func timeLimitWithThreads(_ kind: SolverKind) throws {
        let model = TestModels.hardMultiKnapsack(seed: 8)
        let result = try kind.makeSolver().solve(model, options: MILPOptions(timeLimit: 0.4, relativeGap: 0, threads: 2))
        expectConsistent(result, model, requireBound: true)
        #expect(result.seconds < 10)
    }

    @Test(arguments: backends)
    func shouldStopBeforeTheStart(_ kind: SolverKind) throws {
        let model = TestModels.hardMultiKnapsack()
        let result = try kind.makeSolver().solve(model, options: MILPOptions(shouldStop: { true }))
        #expect(result.status == .noSolution)
        #expect(result.seconds < 1)
        #expect(result.message?.contains("shouldStop") == true)
    }

    /// Cancellation during the search (no time limit): the stop request is false when the solve
    /// starts and true from the third poll on, so only the backend's callback can see it.
    @Test(arguments: backends)
    func shouldStopDuringTheSearch(_ kind: SolverKind) throws {
        let model = TestModels.hardMultiKnapsack(seed: 9)
        let polls = Atomic<Int>(0)
        let options = MILPOptions(relativeGap: 0, shouldStop: { polls.add(1, ordering: .relaxed).newValue > 2 })
        let result = try kind.makeSolver().solve(model, options: options)
        expectConsistent(result, model, requireBound: false)
        #expect(polls.load(ordering: .relaxed) > 2)
        #expect(result.status != .optimal)
        #expect(result.seconds < 10)
    }

    /// Stopped early, the reported bound must still be valid against the true optimum
    /// (computed by dynamic programming). The objective has a constant and one item is
    /// fixed, which GLPK's presolver moves into the objective constant: this catches a
    /// bound read from the presolved problem without its constant.
    @Test(arguments: backends)
    func boundOfStoppedSearchIsValid(_ kind: SolverKind) throws {
        var rng = SeededGenerator(seed: 21)
        let weights = (0..<60).map { _ in Int.random(in: 1000...10000, using: &rng) }
        let values = weights.map { $0 + 1000 }  // strongly correlated: hard for branch-and-bound
        let capacity = weights.reduce(0, +) / 2
        var (model, items, _) = TestModels.knapsack(weights: weights, values: values, capacity: capacity)
        model.setBounds(of: items[0], lower: 1, upper: 1)
        model.maximize(model.objective + 1000)
        let optimum = 1000 + values[0] + TestModels.knapsackDP(
            weights: Array(weights.dropFirst()), values: Array(values.dropFirst()), capacity: capacity - weights[0])

        let result = try kind.makeSolver().solve(model, options: MILPOptions(timeLimit: 0.2, relativeGap: 0))
        if let bound = result.bestBound {
            #expect(bound >= Double(optimum) * (1 - 1e-9))  // a lost constant would be 1000 off
        }
        if let objective = result.objective {
            #expect(objective <= Double(optimum) + 1e-6)
            #expect(model.maximumViolation(at: result.values) <= 1e-6)
        }
        if result.status == .optimal {
            #expect(result.objective == Double(optimum))
        } else {
            // noSolution if CBC spent the budget waiting for its lock (parallel tests).
            #expect([.feasible, .noSolution].contains(result.status))
        }
    }

    @Test(arguments: backends)
    func zeroTimeLimitReturnsImmediately(_ kind: SolverKind) throws {
        let model = TestModels.hardMultiKnapsack()
        let result = try kind.makeSolver().solve(model, options: MILPOptions(timeLimit: 0))
        #expect(result.status == .noSolution)
    }
}
