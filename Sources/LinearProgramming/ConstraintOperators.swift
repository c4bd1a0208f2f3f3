// Comparison operators turning expressions into ``LinearConstraint`` values.
// `==` is deliberately not defined for (Variable, Variable), which would clash
// with `Variable`'s Equatable conformance; write `x - y == 0` instead.

// MARK: <=

public func <= (lhs: LinearExpression, rhs: Double) -> LinearConstraint {
    LinearConstraint(lhs, upper: rhs)
}

public func <= (lhs: LinearExpression, rhs: LinearExpression) -> LinearConstraint {
    LinearConstraint(lhs - rhs, upper: 0)
}

public func <= (lhs: Variable, rhs: Double) -> LinearConstraint {
    LinearConstraint(LinearExpression(lhs), upper: rhs)
}

public func <= (lhs: LinearExpression, rhs: Variable) -> LinearConstraint {
    LinearConstraint(lhs - rhs, upper: 0)
}

public func <= (lhs: Variable, rhs: LinearExpression) -> LinearConstraint {
    LinearConstraint(lhs - rhs, upper: 0)
}

public func <= (lhs: Variable, rhs: Variable) -> LinearConstraint {
    LinearConstraint(lhs - rhs, upper: 0)
}

// MARK: >=

public func >= (lhs: LinearExpression, rhs: Double) -> LinearConstraint {
    LinearConstraint(lhs, lower: rhs)
}

public func >= (lhs: LinearExpression, rhs: LinearExpression) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0)
}

public func >= (lhs: Variable, rhs: Double) -> LinearConstraint {
    LinearConstraint(LinearExpression(lhs), lower: rhs)
}

public func >= (lhs: LinearExpression, rhs: Variable) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0)
}

public func >= (lhs: Variable, rhs: LinearExpression) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0)
}

public func >= (lhs: Variable, rhs: Variable) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0)
}

// MARK: ==

public func == (lhs: LinearExpression, rhs: Double) -> LinearConstraint {
    LinearConstraint(lhs, lower: rhs, upper: rhs)
}

public func == (lhs: LinearExpression, rhs: LinearExpression) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0, upper: 0)
}

public func == (lhs: Variable, rhs: Double) -> LinearConstraint {
    LinearConstraint(LinearExpression(lhs), lower: rhs, upper: rhs)
}

public func == (lhs: LinearExpression, rhs: Variable) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0, upper: 0)
}

public func == (lhs: Variable, rhs: LinearExpression) -> LinearConstraint {
    LinearConstraint(lhs - rhs, lower: 0, upper: 0)
}
