extension MILPModel {
    /// The objective value (including its constant) at `values`.
    /// - Precondition: `values.count == variableCount`.
    public func objectiveValue(at values: [Double]) -> Double {
        precondition(values.count == variableCount, "expected \(variableCount) values, got \(values.count)")
        return objective.evaluate(values)
    }

    /// The largest violation at `values` of any variable bound, integrality
    /// requirement or constraint (0 when `values` is feasible). Useful to check
    /// a heuristic start or a solver's answer independently.
    /// - Precondition: `values.count == variableCount`.
    public func maximumViolation(at values: [Double]) -> Double {
        precondition(values.count == variableCount, "expected \(variableCount) values, got \(values.count)")
        var worst = 0.0
        for j in 0..<variableCount {
            let value = values[j]
            worst = Swift.max(worst, lowerBounds[j] - value, value - upperBounds[j])
            if kinds[j].isIntegral {
                worst = Swift.max(worst, abs(value - value.rounded()))
            }
        }
        for row in 0..<constraintCount {
            let activity = rowActivity(row, at: values)
            worst = Swift.max(worst, rowLower[row] - activity, activity - rowUpper[row])
        }
        return worst.isNaN ? .infinity : worst
    }

    /// The value of constraint `row`'s left-hand side (its terms) at `values`.
    public func rowActivity(_ row: Int, at values: [Double]) -> Double {
        var activity = 0.0
        for k in rowStarts[row]..<rowStarts[row + 1] {
            activity += rowCoefficients[k] * values[rowColumns[k]]
        }
        return activity
    }
}
