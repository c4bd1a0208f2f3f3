/// A solver-neutral mixed-integer linear program: variables with bounds and kinds,
/// linear constraints and a linear objective.
///
/// A value type: copies are independent, and it is `Sendable`, so a built model can
/// be handed to several solvers at once. Constraints are stored row-wise in flat
/// arrays, so adding a constraint is O(its number of terms) and a backend loads the
/// whole matrix in one call. Nothing is checked while building (the builders do not
/// throw); ``validate()`` and every `solve` report bad data as
/// ``LinearProgrammingError`` before any solver sees it.
public struct MILPModel: Sendable {
    private(set) var names: [String] = []
    private(set) var kinds: [VariableKind] = []
    private(set) var lowerBounds: [Double] = []
    private(set) var upperBounds: [Double] = []

    /// Row `i` owns `rowColumns[rowStarts[i] ..< rowStarts[i + 1]]` (and the same range of `rowCoefficients`).
    private(set) var rowStarts: [Int] = [0]
    private(set) var rowColumns: [Int] = []
    private(set) var rowCoefficients: [Double] = []
    private(set) var rowLower: [Double] = []
    private(set) var rowUpper: [Double] = []
    private(set) var rowNames: [String] = []

    /// The objective, normalised (merged terms). Empty means "find any feasible point".
    public private(set) var objective = LinearExpression()
    /// Whether ``objective`` is minimised (the default) or maximised.
    public private(set) var sense: ObjectiveSense = .minimize

    /// An empty model (no variables, no constraints, objective 0 minimised).
    public init() {}

    /// Number of variables (columns).
    public var variableCount: Int { kinds.count }
    /// Number of constraints (rows).
    public var constraintCount: Int { rowLower.count }
    /// Number of stored non-zero constraint coefficients.
    public var nonZeroCount: Int { rowColumns.count }
    /// Number of integer and binary variables.
    public var integerVariableCount: Int { kinds.lazy.filter(\.isIntegral).count }
    /// All variables, in index order.
    public var variables: [Variable] { (0..<variableCount).map(Variable.init(index:)) }

    // MARK: Building

    /// Adds a variable and returns its handle. For `.binary` the bounds are intersected with [0, 1].
    public mutating func addVariable(
        _ name: String = "", kind: VariableKind = .continuous,
        lower: Double = 0, upper: Double = .infinity
    ) -> Variable {
        let variable = Variable(index: kinds.count)
        names.append(name)
        kinds.append(kind)
        if kind == .binary {
            lowerBounds.append(Swift.max(lower, 0))
            upperBounds.append(Swift.min(upper, 1))
        } else {
            lowerBounds.append(lower)
            upperBounds.append(upper)
        }
        return variable
    }

    /// Adds `count` variables named `"\(namePrefix)\(k)"` (or unnamed if the prefix is empty).
    public mutating func addVariables(
        _ count: Int, namePrefix: String = "", kind: VariableKind = .continuous,
        lower: Double = 0, upper: Double = .infinity
    ) -> [Variable] {
        reserveVariables(variableCount + count)
        return (0..<count).map { k in
            addVariable(namePrefix.isEmpty ? "" : "\(namePrefix)\(k)", kind: kind, lower: lower, upper: upper)
        }
    }

    /// Changes the bounds of a variable (e.g. to fix it). Binary variables stay within [0, 1].
    /// - Precondition: `variable` belongs to this model.
    public mutating func setBounds(of variable: Variable, lower: Double, upper: Double) {
        precondition(variable.index >= 0 && variable.index < variableCount, "\(variable) is not a variable of this model")
        let binary = kinds[variable.index] == .binary
        lowerBounds[variable.index] = binary ? Swift.max(lower, 0) : lower
        upperBounds[variable.index] = binary ? Swift.min(upper, 1) : upper
    }

    /// Adds a constraint (see the `<=`, `>=`, `==` operators).
    public mutating func add(_ constraint: LinearConstraint, name: String = "") {
        for term in constraint.terms {
            rowColumns.append(term.variable.index)
            rowCoefficients.append(term.coefficient)
        }
        rowStarts.append(rowColumns.count)
        rowLower.append(constraint.lower)
        rowUpper.append(constraint.upper)
        rowNames.append(name)
    }

    /// Sets the objective to minimise.
    public mutating func minimize(_ expression: LinearExpression) {
        setObjective(expression, sense: .minimize)
    }

    /// Sets the objective to maximise.
    public mutating func maximize(_ expression: LinearExpression) {
        setObjective(expression, sense: .maximize)
    }

    /// Sets the objective and its sense.
    public mutating func setObjective(_ expression: LinearExpression, sense: ObjectiveSense) {
        objective = expression.normalized()
        self.sense = sense
    }

    /// Reserves storage for `variables` variables (optional; speeds up very large builds).
    public mutating func reserveVariables(_ variables: Int) {
        names.reserveCapacity(variables)
        kinds.reserveCapacity(variables)
        lowerBounds.reserveCapacity(variables)
        upperBounds.reserveCapacity(variables)
    }

    /// Reserves storage for `constraints` rows with `nonZeros` coefficients in total.
    public mutating func reserveConstraints(_ constraints: Int, nonZeros: Int) {
        rowStarts.reserveCapacity(constraints + 1)
        rowLower.reserveCapacity(constraints)
        rowUpper.reserveCapacity(constraints)
        rowNames.reserveCapacity(constraints)
        rowColumns.reserveCapacity(nonZeros)
        rowCoefficients.reserveCapacity(nonZeros)
    }

    // MARK: Reading

    /// The name given to `variable` (may be empty).
    public func name(of variable: Variable) -> String { names[variable.index] }

    /// The kind of `variable`.
    public func kind(of variable: Variable) -> VariableKind { kinds[variable.index] }

    /// The current bounds of `variable`.
    public func bounds(of variable: Variable) -> (lower: Double, upper: Double) {
        (lowerBounds[variable.index], upperBounds[variable.index])
    }

    /// Constraint number `row` (0-based, in insertion order) and its name.
    public func constraint(at row: Int) -> (constraint: LinearConstraint, name: String) {
        let range = rowStarts[row]..<rowStarts[row + 1]
        let terms = range.map { LinearTerm(Variable(index: rowColumns[$0]), rowCoefficients[$0]) }
        let constraint = LinearConstraint(LinearExpression(terms: terms), lower: rowLower[row], upper: rowUpper[row])
        return (constraint, rowNames[row])
    }

    /// A readable label for diagnostics: `"3 ('cap')"` or `"3"`.
    func variableLabel(_ index: Int) -> String {
        names.indices.contains(index) && !names[index].isEmpty ? "\(index) ('\(names[index])')" : "\(index)"
    }

    /// A readable label for diagnostics: `"3 ('cap')"` or `"3"`.
    func constraintLabel(_ row: Int) -> String {
        rowNames[row].isEmpty ? "\(row)" : "\(row) ('\(rowNames[row])')"
    }
}
