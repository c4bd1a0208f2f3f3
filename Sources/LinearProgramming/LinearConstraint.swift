/// A linear constraint `lower <= sum(coefficient_i * variable_i) <= upper`.
///
/// Usually built with the comparison operators (`expr <= 5`, `a >= b`, `expr == 0`),
/// which move all variables to the left and all constants to the bounds. Terms are
/// merged per variable and sorted by variable index. Bounds may be infinite on one
/// side; invalid data (NaN, `lower > upper`) is reported when the model is solved.
public struct LinearConstraint: Sendable {
    /// Merged terms, sorted by variable index, without zero coefficients.
    public let terms: [LinearTerm]
    /// Lower bound of the terms' sum (`-infinity` if none).
    public let lower: Double
    /// Upper bound of the terms' sum (`+infinity` if none).
    public let upper: Double

    /// The ranged constraint `lower <= expression <= upper`; the expression's constant
    /// is moved into the bounds.
    public init(_ expression: LinearExpression, lower: Double = -.infinity, upper: Double = .infinity) {
        terms = LinearExpression.merge(expression.terms)
        self.lower = lower - expression.constant
        self.upper = upper - expression.constant
    }
}

extension LinearConstraint: CustomStringConvertible {
    public var description: String {
        "\(lower) <= \(LinearExpression(terms: terms)) <= \(upper)"
    }
}
