import LinearProgramming
import Testing

/// The modelling layer: expressions, constraints, model bookkeeping.
@Suite struct ExpressionTests {
    private func coefficients(_ constraint: LinearConstraint) -> [Int: Double] {
        Dictionary(uniqueKeysWithValues: constraint.terms.map { ($0.variable.index, $0.coefficient) })
    }

    @Test func operatorsMergeTermsAndMoveConstants() {
        var model = MILPModel()
        let x = model.addVariable("x"), y = model.addVariable("y"), z = model.addVariable("z")
        let c = 2 * x + 3 * y - x + 4 - z * 0.5 <= 10
        #expect(coefficients(c) == [0: 1, 1: 3, 2: -0.5])
        #expect(c.upper == 6 && c.lower == -.infinity)

        let d = x + 1 >= 2 * y - 3
        #expect(coefficients(d) == [0: 1, 1: -2])
        #expect(d.lower == -4 && d.upper == .infinity)

        let e = -(x - y) == 2.0
        #expect(coefficients(e) == [0: -1, 1: 1])
        #expect(e.lower == 2 && e.upper == 2)

        let f = x - x + y <= 1
        #expect(coefficients(f) == [1: 1])
    }

    @Test func sumsAndCompoundAssignment() {
        var model = MILPModel()
        let xs = model.addVariables(4, namePrefix: "x")
        #expect(model.name(of: xs[2]) == "x2")
        var total = LinearExpression()
        for (k, x) in xs.enumerated() { total += Double(k) * x }
        total -= xs[0]
        total += 1.5
        #expect(total.evaluate([1, 1, 1, 1]) == 0 + 1 + 2 + 3 - 1 + 1.5)
        let parts = xs.map { 2 * $0 }
        #expect(parts.sum().evaluate([1, 2, 3, 4]) == 20)
        #expect(xs.sum().evaluate([1, 2, 3, 4]) == 10)
        #expect(LinearExpression.sum(parts).terms.count == 4)
    }

    @Test func modelBookkeeping() {
        var model = MILPModel()
        let x = model.addVariable("x", kind: .integer, lower: -1, upper: 5)
        let b = model.addVariable("b", kind: .binary)
        model.add(x + b <= 3, name: "cap")
        model.add(x >= b)
        model.maximize(x + 2 * b + 7)
        #expect(model.variableCount == 2)
        #expect(model.constraintCount == 2)
        #expect(model.integerVariableCount == 2)
        #expect(model.nonZeroCount == 4)
        #expect(model.sense == .maximize)
        #expect(model.constraint(at: 0).name == "cap")
        #expect(model.objectiveValue(at: [3, 0]) == 10)
        #expect(model.maximumViolation(at: [3, 1]) == 1)
        #expect(model.maximumViolation(at: [2.5, 0]) == 0.5)
    }

    /// Thousands of variables with pairwise binary order variables build in one pass.
    @Test func largeOrderModelBuildsQuickly() throws {
        let clock = ContinuousClock()
        var model = MILPModel()
        let operations = 80
        let elapsed = clock.measure {
            let starts = model.addVariables(operations, namePrefix: "S", upper: 10_000)
            for i in 0..<operations {
                for j in (i + 1)..<operations {
                    let before = model.addVariable("y\(i)_\(j)", kind: .binary)
                    model.add(starts[i] + 3 <= starts[j] + 10_000 * (1 - before))
                    model.add(starts[j] + 3 <= starts[i] + 10_000 * before)
                }
            }
        }
        #expect(model.variableCount == 80 + 80 * 79 / 2)
        #expect(model.constraintCount == 80 * 79)
        #expect(elapsed < .seconds(5))
        try model.validate()
    }

    @Test func solverKindParsing() throws {
        #expect(SolverKind(argument: "GLPK") == .glpk)
        #expect(SolverKind(argument: " cbc ") == .cbc)
        #expect(SolverKind(argument: "coin-cbc") == .cbc)
        #expect(SolverKind(argument: "highs") == .highs)
        #expect(SolverKind(argument: "gurobi") == nil)
        #expect(try SolverKind.parse("glpk") == .glpk)
        #expect(throws: LinearProgrammingError.self) { try SolverKind.parse("cplex") }
        #expect(SolverKind.allCases.map(\.description) == ["glpk", "cbc", "highs"])
        #expect(SolverKind.glpk.makeSolver().name.hasPrefix("GLPK"))
        #expect(SolverKind.cbc.makeSolver().name.hasPrefix("CBC"))
    }
}
