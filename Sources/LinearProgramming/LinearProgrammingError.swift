/// Errors thrown by ``MILPModel/validate()``, the solvers and ``SolverKind`` parsing.
///
/// Every case is detected in Swift before a solver library is called (GLPK and CBC
/// abort the whole process on malformed input), and its description says what to fix.
public enum LinearProgrammingError: Error, Sendable, CustomStringConvertible {
    /// The model has no variables.
    case emptyModel
    /// A constraint or the objective refers to a variable index outside the model
    /// (typically a `Variable` created by a different model).
    case unknownVariable(index: Int, variableCount: Int, location: String)
    /// Variable bounds are NaN, `lower > upper`, `lower == +inf` or `upper == -inf`.
    case invalidVariableBounds(variable: String, lower: Double, upper: Double)
    /// Constraint bounds (right-hand sides) are NaN, `lower > upper`, `lower == +inf` or `upper == -inf`.
    case invalidConstraintBounds(constraint: String, lower: Double, upper: Double)
    /// A coefficient or constant is NaN or infinite.
    case nonFiniteCoefficient(location: String, value: Double)
    /// ``MILPOptions/start`` does not have one value per variable.
    case startLengthMismatch(expected: Int, actual: Int)
    /// ``MILPOptions/start`` contains a NaN or infinite value.
    case nonFiniteStartValue(variable: String, value: Double)
    /// A ``MILPOptions`` field is out of range.
    case invalidOption(name: String, value: String, requirement: String)
    /// The model exceeds the 32-bit index range of the C solver APIs.
    case modelTooLarge(what: String, count: Int)
    /// The solver library could not even set up the problem.
    case solverFailure(solver: String, reason: String)
    /// ``SolverKind`` parsing got an unknown name.
    case unknownSolver(name: String, known: [String])

    public var description: String {
        switch self {
        case .emptyModel:
            return "The model has no variables; add at least one with addVariable(_:kind:lower:upper:) before solving."
        case let .unknownVariable(index, count, location):
            return "The \(location) uses variable index \(index), but the model has only \(count) variables "
                + "(0..<\(count)). Use only Variables returned by this model's addVariable."
        case let .invalidVariableBounds(variable, lower, upper):
            return "Variable \(variable) has invalid bounds [\(lower), \(upper)]: bounds must not be NaN, "
                + "lower must be <= upper, lower must not be +infinity and upper must not be -infinity "
                + "(binary variables are clipped to [0, 1] first)."
        case let .invalidConstraintBounds(constraint, lower, upper):
            return "Constraint \(constraint) has invalid bounds [\(lower), \(upper)] after moving constants to the "
                + "right-hand side: they must not be NaN, lower must be <= upper, lower must not be +infinity "
                + "and upper must not be -infinity. Check the right-hand side and the expression's constant."
        case let .nonFiniteCoefficient(location, value):
            return "The \(location) has coefficient \(value); all coefficients and constants must be finite numbers."
        case let .startLengthMismatch(expected, actual):
            return "MILPOptions.start has \(actual) values but the model has \(expected) variables; "
                + "pass exactly one value per variable, in Variable.index order."
        case let .nonFiniteStartValue(variable, value):
            return "MILPOptions.start gives variable \(variable) the value \(value); start values must be finite."
        case let .invalidOption(name, value, requirement):
            return "MILPOptions.\(name) = \(value) is invalid: it must be \(requirement)."
        case let .modelTooLarge(what, count):
            return "The model has \(count) \(what), more than the C solver APIs can index (\(Int32.max - 1))."
        case let .solverFailure(solver, reason):
            return "\(solver) failed: \(reason)"
        case let .unknownSolver(name, known):
            return "Unknown solver '\(name)'; use one of: \(known.joined(separator: ", "))."
        }
    }
}
