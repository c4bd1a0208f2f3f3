extension MILPModel {
    /// Checks the model for data that the solver libraries cannot accept
    /// (they would abort the process): no variables, bad bounds, NaN or infinite
    /// coefficients, variables of another model, sizes beyond 32-bit indices.
    /// Every `solve` calls this first.
    public func validate() throws(LinearProgrammingError) {
        guard variableCount > 0 else { throw .emptyModel }
        let limit = Int(Int32.max) - 1
        if variableCount > limit { throw .modelTooLarge(what: "variables", count: variableCount) }
        if constraintCount >= limit { throw .modelTooLarge(what: "constraints", count: constraintCount) }
        if nonZeroCount + variableCount >= limit { throw .modelTooLarge(what: "non-zero coefficients", count: nonZeroCount) }

        for j in 0..<variableCount where !Self.validBounds(lowerBounds[j], upperBounds[j]) {
            throw .invalidVariableBounds(variable: variableLabel(j), lower: lowerBounds[j], upper: upperBounds[j])
        }
        for term in objective.terms {
            try checkTerm(term, location: "objective")
        }
        guard objective.constant.isFinite else {
            throw .nonFiniteCoefficient(location: "objective constant", value: objective.constant)
        }
        for row in 0..<constraintCount {
            for k in rowStarts[row]..<rowStarts[row + 1] {
                let term = LinearTerm(Variable(index: rowColumns[k]), rowCoefficients[k])
                try checkTerm(term, location: "constraint \(constraintLabel(row))")
            }
            guard Self.validBounds(rowLower[row], rowUpper[row]) else {
                throw .invalidConstraintBounds(constraint: constraintLabel(row), lower: rowLower[row], upper: rowUpper[row])
            }
        }
    }

    private func checkTerm(_ term: LinearTerm, location: String) throws(LinearProgrammingError) {
        let index = term.variable.index
        guard index >= 0 && index < variableCount else {
            throw .unknownVariable(index: index, variableCount: variableCount, location: location)
        }
        guard term.coefficient.isFinite else {
            throw .nonFiniteCoefficient(location: "\(location), variable \(variableLabel(index))", value: term.coefficient)
        }
    }

    static func validBounds(_ lower: Double, _ upper: Double) -> Bool {
        !lower.isNaN && !upper.isNaN && lower <= upper && lower != .infinity && upper != -.infinity
    }
}
