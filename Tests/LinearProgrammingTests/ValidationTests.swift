import LinearProgramming
import Testing

/// Bad models and options must throw typed errors before any C code runs
/// (GLPK and CBC would abort the test process instead).
@Suite struct ValidationTests {
    static let backends: [SolverKind] = [.glpk, .cbc]

    private func solveError(_ kind: SolverKind, _ model: MILPModel, _ options: MILPOptions = MILPOptions()) -> LinearProgrammingError? {
        #expect(throws: LinearProgrammingError.self) {
            try kind.makeSolver().solve(model, options: options)
        }
    }

    @Test(arguments: backends)
    func lowerAboveUpperBound(_ kind: SolverKind) {
        var model = MILPModel()
        let x = model.addVariable("x", lower: 5, upper: 2)
        model.minimize(LinearExpression(x))
        guard case .invalidVariableBounds(let label, 5, 2)? = solveError(kind, model) else {
            Issue.record("expected invalidVariableBounds")
            return
        }
        #expect(label.contains("'x'"))
    }

    @Test(arguments: backends)
    func nanConstraintCoefficient(_ kind: SolverKind) {
        var model = MILPModel()
        let x = model.addVariable("x")
        let y = model.addVariable("y")
        model.add(Double.nan * x + y <= 4, name: "broken")
        model.minimize(x + y)
        guard case .nonFiniteCoefficient(let location, let value)? = solveError(kind, model) else {
            Issue.record("expected nonFiniteCoefficient")
            return
        }
        #expect(value.isNaN)
        #expect(location.contains("broken"))
    }

    @Test(arguments: backends)
    func infiniteObjectiveCoefficient(_ kind: SolverKind) {
        var model = MILPModel()
        let x = model.addVariable("x")
        model.minimize(Double.infinity * x)
        guard case .nonFiniteCoefficient? = solveError(kind, model) else {
            Issue.record("expected nonFiniteCoefficient")
            return
        }
    }

    @Test(arguments: backends)
    func nanRightHandSide(_ kind: SolverKind) {
        var model = MILPModel()
        let x = model.addVariable("x")
        model.add(x <= .nan)
        guard case .invalidConstraintBounds? = solveError(kind, model) else {
            Issue.record("expected invalidConstraintBounds")
            return
        }
    }

    @Test(arguments: backends)
    func contradictoryRangeIsRejected(_ kind: SolverKind) {
        var model = MILPModel()
        let x = model.addVariable("x")
        model.add(LinearConstraint(LinearExpression(x), lower: 3, upper: 1))
        guard case .invalidConstraintBounds? = solveError(kind, model) else {
            Issue.record("expected invalidConstraintBounds")
            return
        }
    }

    @Test(arguments: backends)
    func variableOfAnotherModel(_ kind: SolverKind) {
        var other = MILPModel()
        _ = other.addVariable()
        let foreign = other.addVariable()
        var model = MILPModel()
        let x = model.addVariable("x")
        model.add(x + foreign <= 1)
        guard case .unknownVariable(index: 1, variableCount: 1, _)? = solveError(kind, model) else {
            Issue.record("expected unknownVariable")
            return
        }
    }

    @Test(arguments: backends)
    func emptyModel(_ kind: SolverKind) {
        guard case .emptyModel? = solveError(kind, MILPModel()) else {
            Issue.record("expected emptyModel")
            return
        }
    }

    @Test(arguments: backends)
    func invalidOptions(_ kind: SolverKind) {
        let (model, _, _) = TestModels.smallKnapsack()
        let bad: [(String, MILPOptions)] = [
            ("timeLimit", MILPOptions(timeLimit: -1)),
            ("relativeGap", MILPOptions(relativeGap: .nan)),
            ("threads", MILPOptions(threads: 0)),
            ("cutoff", MILPOptions(cutoff: .infinity)),
        ]
        for (field, options) in bad {
            guard case .invalidOption(let name, _, _)? = solveError(kind, model, options) else {
                Issue.record("expected invalidOption for \(field)")
                continue
            }
            #expect(name == field)
        }
        guard case .nonFiniteStartValue? = solveError(kind, model, MILPOptions(start: [0, 0, .nan, 0, 0])) else {
            Issue.record("expected nonFiniteStartValue")
            return
        }
    }

    @Test func binaryBoundsAreClippedAndBadOnesReported() {
        var model = MILPModel()
        let b = model.addVariable("b", kind: .binary, lower: -3, upper: 8)
        #expect(model.bounds(of: b) == (0, 1))
        _ = model.addVariable("c", kind: .binary, lower: 2)
        #expect(throws: LinearProgrammingError.self) { try model.validate() }
    }

    @Test func errorDescriptionsAreActionable() {
        let error = LinearProgrammingError.startLengthMismatch(expected: 5, actual: 2)
        #expect(error.description.contains("5 variables"))
        #expect(LinearProgrammingError.emptyModel.description.contains("addVariable"))
    }
}
