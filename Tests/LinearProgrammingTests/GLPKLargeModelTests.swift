import Testing
@testable import LinearProgramming

/// GLPK's path for large MIPs (the public preprocessor, the root LP under the time limit, then
/// branch and bound from its basis, the solution mapped back), forced on small models with known
/// answers by a row threshold of 0, and compared with the default path.
@Suite struct GLPKLargeModelTests {
    let large = GLPKSolver(largeModelRows: 0)

    @Test func knapsacksMatchDynamicProgramming() throws {
        let (small, items, smallOptimum) = TestModels.smallKnapsack()
        let result = try large.solve(small)
        #expect(result.status == .optimal && result.objective == smallOptimum)
        #expect(result.value(of: items[4]) == 1)
        #expect(result.bestBound.map { abs($0 - smallOptimum) < 1e-6 } == true)
        for seed in UInt64(1)...8 {
            let (model, _, optimum) = TestModels.randomKnapsack(count: 20, seed: seed)
            let result = try large.solve(model, options: MILPOptions(relativeGap: 0))
            #expect(result.status == .optimal, "seed \(seed)")
            #expect(result.objective == optimum, "seed \(seed)")
            #expect(model.maximumViolation(at: result.values) <= 1e-9)
            #expect(abs((result.objective ?? 0) - model.objectiveValue(at: result.values)) <= 1e-9)
        }
    }

    /// A start sets the cutoff row; the optimum (with the objective's constant) comes back in the
    /// original variables.
    @Test func generalIntegersWithAStartAndAConstant() throws {
        var model = MILPModel()
        let a = model.addVariable("a", kind: .integer, upper: 3)
        let b = model.addVariable("b", kind: .integer)
        let slack = model.addVariable("slack", upper: 100)
        model.add(2 * a + 4 * b >= 11)
        model.add(slack >= 1)
        model.minimize(3 * a + 5 * b + slack + 7)
        let result = try large.solve(model, options: MILPOptions(start: [2, 2, 50]))
        #expect(result.status == .optimal)
        #expect(result.objective == 23)
        #expect(result.values == [0, 3, 1])
    }

    @Test func infeasibleAndUnboundedModelsSaySo() throws {
        var odd = MILPModel()
        let x = odd.addVariable("x", kind: .integer, upper: 10)
        let y = odd.addVariable("y", kind: .integer, upper: 10)
        odd.add(2 * x + 2 * y == 3)
        odd.minimize(x + y)
        #expect(try large.solve(odd).status == .infeasible)
        var contradiction = MILPModel()
        let u = contradiction.addVariable("u", kind: .integer, upper: 10)
        contradiction.add(u >= 5)
        contradiction.add(u <= 3)
        contradiction.minimize(LinearExpression(u))
        #expect(try large.solve(contradiction).status == .infeasible)
        var open = MILPModel()
        let p = open.addVariable("p", kind: .integer)
        let q = open.addVariable("q", kind: .integer)
        open.add(p - q <= 1)
        open.maximize(p + q)
        #expect(try large.solve(open).status == .unbounded)
    }

    /// Preprocessing fixes every column here, leaving no LP.
    @Test func aModelThePreprocessorEmpties() throws {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer, lower: -2, upper: 7.5)
        let y = model.addVariable("y", lower: 1, upper: 4)
        model.add(x + y <= 100)
        model.minimize(-1 * x + y + 10)
        let result = try large.solve(model)
        #expect(result.status == .optimal)
        #expect(result.values == [7, 1])
        #expect(result.objective == 4)
    }

    /// Stopped by the time limit or by `shouldStop`, the result stays consistent: a solution
    /// satisfies the model, and the bound is on the right side of it.
    @Test func stoppedSolvesStayConsistent() throws {
        let model = TestModels.hardMultiKnapsack()
        for options in [MILPOptions(timeLimit: 0.3), MILPOptions(shouldStop: { true })] {
            let result = try large.solve(model, options: options)
            #expect([.feasible, .noSolution, .optimal].contains(result.status), "\(result.status)")
            if result.status.hasSolution {
                #expect(model.maximumViolation(at: result.values) <= 1e-6)
                if let bound = result.bestBound, let objective = result.objective { #expect(bound >= objective - 1e-6) }
            }
        }
        let reference = try GLPKSolver().solve(TestModels.randomKnapsack(count: 30, seed: 3).model)
        let forced = try large.solve(TestModels.randomKnapsack(count: 30, seed: 3).model)
        #expect(reference.objective == forced.objective)
    }
}
