// Arithmetic operators building ``LinearExpression`` values from variables,
// expressions and `Double` constants.

// MARK: Scaling

public func * (variable: Variable, coefficient: Double) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(variable, coefficient)])
}

public func * (coefficient: Double, variable: Variable) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(variable, coefficient)])
}

public func * (expression: LinearExpression, factor: Double) -> LinearExpression {
    var result = LinearExpression()
    result.add(expression, times: factor)
    return result
}

public func * (factor: Double, expression: LinearExpression) -> LinearExpression {
    expression * factor
}

public func *= (expression: inout LinearExpression, factor: Double) {
    expression = expression * factor
}

// MARK: Negation

public prefix func - (variable: Variable) -> LinearExpression {
    variable * -1
}

public prefix func - (expression: LinearExpression) -> LinearExpression {
    expression * -1
}

// MARK: Addition

public func + (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
    var result = lhs
    result.add(rhs)
    return result
}

public func + (lhs: LinearExpression, rhs: Variable) -> LinearExpression {
    var result = lhs
    result.addTerm(rhs)
    return result
}

public func + (lhs: Variable, rhs: LinearExpression) -> LinearExpression {
    var result = LinearExpression(lhs)
    result.add(rhs)
    return result
}

public func + (lhs: Variable, rhs: Variable) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(lhs, 1), LinearTerm(rhs, 1)])
}

public func + (lhs: LinearExpression, rhs: Double) -> LinearExpression {
    var result = lhs
    result.constant += rhs
    return result
}

public func + (lhs: Double, rhs: LinearExpression) -> LinearExpression {
    rhs + lhs
}

public func + (lhs: Variable, rhs: Double) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(lhs, 1)], constant: rhs)
}

public func + (lhs: Double, rhs: Variable) -> LinearExpression {
    rhs + lhs
}

public func += (lhs: inout LinearExpression, rhs: LinearExpression) {
    lhs.add(rhs)
}

public func += (lhs: inout LinearExpression, rhs: Variable) {
    lhs.addTerm(rhs)
}

public func += (lhs: inout LinearExpression, rhs: Double) {
    lhs.constant += rhs
}

// MARK: Subtraction

public func - (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
    var result = lhs
    result.add(rhs, times: -1)
    return result
}

public func - (lhs: LinearExpression, rhs: Variable) -> LinearExpression {
    var result = lhs
    result.addTerm(rhs, coefficient: -1)
    return result
}

public func - (lhs: Variable, rhs: LinearExpression) -> LinearExpression {
    var result = LinearExpression(lhs)
    result.add(rhs, times: -1)
    return result
}

public func - (lhs: Variable, rhs: Variable) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(lhs, 1), LinearTerm(rhs, -1)])
}

public func - (lhs: LinearExpression, rhs: Double) -> LinearExpression {
    lhs + (-rhs)
}

public func - (lhs: Double, rhs: LinearExpression) -> LinearExpression {
    -rhs + lhs
}

public func - (lhs: Variable, rhs: Double) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(lhs, 1)], constant: -rhs)
}

public func - (lhs: Double, rhs: Variable) -> LinearExpression {
    LinearExpression(terms: [LinearTerm(rhs, -1)], constant: lhs)
}

public func -= (lhs: inout LinearExpression, rhs: LinearExpression) {
    lhs.add(rhs, times: -1)
}

public func -= (lhs: inout LinearExpression, rhs: Variable) {
    lhs.addTerm(rhs, coefficient: -1)
}

public func -= (lhs: inout LinearExpression, rhs: Double) {
    lhs.constant -= rhs
}
