import LinearProgramming
import Testing

/// Correctness of both backends on small models with known answers.
@Suite struct SolverTests {
    static let backends: [SolverKind] = [.glpk, .cbc]

    @Test(arguments: backends)
    func smallKnapsackHasKnownOptimum(_ kind: SolverKind) throws {
        let (model, items, optimum) = TestModels.smallKnapsack()
        let result = try kind.makeSolver().solve(model)
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
        #expect(result.values == [0, 1, 1, 1, 1])
        #expect(result.value(of: items[4]) == 1)
        #expect(result.bestBound.map { abs($0 - optimum) < 1e-6 } == true)
        #expect(result.gap.map { $0 <= 1e-6 } == true)
        #expect(result.solverName.lowercased().hasPrefix(kind.rawValue))
    }

    @Test(arguments: backends)
    func randomKnapsackMatchesDynamicProgramming(_ kind: SolverKind) throws {
        let (model, _, optimum) = TestModels.randomKnapsack(count: 20, seed: 42)
        let result = try kind.makeSolver().solve(model, options: MILPOptions(relativeGap: 0))
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
        #expect(model.maximumViolation(at: result.values) <= 1e-9)
    }

    /// 2x + 2y == 3 has no integer solution, although its LP relaxation is feasible.
    @Test(arguments: backends)
    func infeasibleMILP(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer, upper: 10)
        let y = model.addVariable("y", kind: .integer, upper: 10)
        model.add(2 * x + 2 * y == 3, name: "odd")
        model.minimize(x + y)
        let result = try kind.makeSolver().solve(model)
        #expect(result.status == .infeasible)
        #expect(result.values.isEmpty)
        #expect(result.objective == nil)
    }

    /// x + y >= 5 and x + y <= 3 contradict each other.
    @Test(arguments: backends)
    func infeasibleLP(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x", upper: 10)
        let y = model.addVariable("y", upper: 10)
        model.add(x + y >= 5)
        model.add(x + y <= 3)
        model.minimize(x + y)
        #expect(try kind.makeSolver().solve(model).status == .infeasible)
    }

    /// max x + y with only x - y <= 1: y (and then x) can grow without limit.
    @Test(arguments: backends)
    func unboundedLP(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x")
        let y = model.addVariable("y")
        model.add(x - y <= 1)
        model.maximize(x + y)
        let result = try kind.makeSolver().solve(model)
        #expect(result.status == .unbounded)
        #expect(result.values.isEmpty)
    }

    /// The same with integer variables: both backends report the unbounded relaxation.
    @Test(arguments: backends)
    func unboundedMILP(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer)
        let y = model.addVariable("y", kind: .integer)
        model.add(x - y <= 1)
        model.maximize(x + y)
        #expect(try kind.makeSolver().solve(model).status == .unbounded)
    }

    /// max 5x + 4y + 2.5 s.t. 6x + 4y <= 24, x + 2y <= 6, x, y >= 0.
    /// The vertices are (0,0), (4,0), (3,1.5) and (0,3) with values 0, 20, 21, 12 (+2.5):
    /// the optimum is 23.5 at (3, 1.5), where both rows are tight (x = 6 - 2y, 36 - 8y = 24).
    @Test(arguments: backends)
    func pureLPHasKnownOptimum(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x")
        let y = model.addVariable("y")
        model.add(6 * x + 4 * y <= 24, name: "m1")
        model.add(x + 2 * y <= 6, name: "m2")
        model.maximize(5 * x + 4 * y + 2.5)
        let result = try kind.makeSolver().solve(model)
        #expect(result.status == .optimal)
        #expect(abs((result.objective ?? 0) - 23.5) < 1e-9)
        #expect(abs(result.values[0] - 3) < 1e-9 && abs(result.values[1] - 1.5) < 1e-9)
        #expect(result.gap == 0)
        #expect(result.nodes == 0)
    }

    /// min 3a + 5b s.t. 2a + 4b >= 11, a in 0...3 and b >= 0 integer.
    /// LP optimum b = 2.75 (13.75). Integers: b = 3 gives 15; b = 2 needs a >= 1.5, i.e. a = 2 (16);
    /// b = 1 needs a >= 3.5 > 3; b = 0 needs a >= 5.5 > 3. So the optimum is 15 at (0, 3).
    @Test(arguments: backends)
    func generalIntegerProblem(_ kind: SolverKind) throws {
        var model = MILPModel()
        let a = model.addVariable("a", kind: .integer, upper: 3)
        let b = model.addVariable("b", kind: .integer)
        model.add(2 * a + 4 * b >= 11)
        model.minimize(3 * a + 5 * b)
        let result = try kind.makeSolver().solve(model)
        #expect(result.status == .optimal)
        #expect(result.objective == 15)
        #expect(result.values == [0, 3])
    }

    /// A model without constraints: every variable goes to its best bound.
    @Test(arguments: backends)
    func modelWithoutConstraints(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer, lower: -2, upper: 7.5)
        let y = model.addVariable("y", lower: 1, upper: 4)
        model.minimize(-1 * x + y + 10)
        let result = try kind.makeSolver().solve(model)
        #expect(result.status == .optimal)
        #expect(result.values == [7, 1])
        #expect(result.objective == 4)
    }

    /// An integer variable whose bounds contain no integer is reported infeasible without a solve.
    @Test(arguments: backends)
    func emptyIntegerDomainIsInfeasible(_ kind: SolverKind) throws {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer, lower: 0.2, upper: 0.8)
        model.minimize(LinearExpression(x))
        #expect(try kind.makeSolver().solve(model).status == .infeasible)
    }

    @Test(arguments: backends)
    func cutoffAtTheOptimumKeepsTheOptimum(_ kind: SolverKind) throws {
        let (model, _, optimum) = TestModels.randomKnapsack(count: 15, seed: 3)
        let result = try kind.makeSolver().solve(model, options: MILPOptions(cutoff: optimum))
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
    }

    @Test(arguments: backends)
    func unachievableCutoffIsInfeasible(_ kind: SolverKind) throws {
        let (model, _, optimum) = TestModels.randomKnapsack(count: 15, seed: 3)
        let result = try kind.makeSolver().solve(model, options: MILPOptions(cutoff: optimum + 1))
        #expect(result.status == .infeasible)
    }

    /// The problem of `generalIntegerProblem` plus a constant 100: optimum 115.
    @Test(arguments: backends)
    func cutoffWhenMinimisingWithConstant(_ kind: SolverKind) throws {
        var model = MILPModel()
        let a = model.addVariable("a", kind: .integer, upper: 3)
        let b = model.addVariable("b", kind: .integer)
        model.add(2 * a + 4 * b >= 11)
        model.minimize(3 * a + 5 * b + 100)
        let atOptimum = try kind.makeSolver().solve(model, options: MILPOptions(cutoff: 115))
        #expect(atOptimum.status == .optimal)
        #expect(atOptimum.objective == 115)
        let tooGood = try kind.makeSolver().solve(model, options: MILPOptions(cutoff: 114.5))
        #expect(tooGood.status == .infeasible)
    }

    /// A feasible but poor start (only the first item that fits) must not stop the
    /// search at the start's value: CBC uses it as a MIP start, GLPK as a cutoff.
    @Test(arguments: backends)
    func feasibleStartStillGivesTheOptimum(_ kind: SolverKind) throws {
        let (model, items, optimum) = TestModels.randomKnapsack(count: 20, seed: 11)
        var start = [Double](repeating: 0, count: items.count)
        start[0] = 1
        #expect(model.maximumViolation(at: start) == 0)
        let result = try kind.makeSolver().solve(model, options: MILPOptions(relativeGap: 0, start: start))
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
    }

    @Test(arguments: backends)
    func optimalStartIsAccepted(_ kind: SolverKind) throws {
        let (model, _, optimum) = TestModels.randomKnapsack(count: 20, seed: 11)
        let reference = try kind.makeSolver().solve(model, options: MILPOptions(relativeGap: 0))
        let result = try kind.makeSolver().solve(model, options: MILPOptions(relativeGap: 0, start: reference.values))
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
    }

    @Test(arguments: backends)
    func startOfWrongLengthThrows(_ kind: SolverKind) throws {
        let (model, _, _) = TestModels.smallKnapsack()
        let error = #expect(throws: LinearProgrammingError.self) {
            try kind.makeSolver().solve(model, options: MILPOptions(start: [1, 0]))
        }
        guard case .startLengthMismatch(expected: 5, actual: 2)? = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
    }

    @Test(arguments: backends)
    func threadsOptionIsAccepted(_ kind: SolverKind) throws {
        let (model, _, optimum) = TestModels.randomKnapsack(count: 20, seed: 5)
        let result = try kind.makeSolver().solve(model, options: MILPOptions(relativeGap: 0, threads: 2))
        #expect(result.status == .optimal)
        #expect(result.objective == optimum)
    }
}
