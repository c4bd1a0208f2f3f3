/// One `coefficient * variable` product of a ``LinearExpression``.
public struct LinearTerm: Hashable, Sendable {
    /// The variable of the term.
    public var variable: Variable
    /// The coefficient multiplying the variable.
    public var coefficient: Double

    /// Creates the term `coefficient * variable`.
    public init(_ variable: Variable, _ coefficient: Double) {
        self.variable = variable
        self.coefficient = coefficient
    }
}
