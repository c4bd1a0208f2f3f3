/// The outcome of a solve.
public struct MILPResult: Sendable {
    /// How the solve ended.
    public var status: MILPStatus
    /// Objective value of `values` (including the objective's constant); `nil` without a solution.
    public var objective: Double?
    /// Proven bound on the optimum (a lower bound when minimising, an upper bound when
    /// maximising); `nil` if the solver could not provide one.
    public var bestBound: Double?
    /// Relative gap `|objective - bestBound| / (|objective| + 2.2e-16)`; `nil` unless both are known.
    public var gap: Double?
    /// Branch-and-bound nodes explored (0 for LPs).
    public var nodes: Int
    /// Wall-clock seconds of the whole `solve` call.
    public var seconds: Double
    /// One value per variable (``Variable/index`` order); empty if there is no solution.
    /// Integer and binary variables are rounded to the nearest integer.
    public var values: [Double]
    /// Name of the backend, e.g. `"GLPK 5.0"`.
    public var solverName: String
    /// Extra information, e.g. why the search stopped or what failed.
    public var message: String?

    /// Creates a result (backends and test doubles).
    public init(
        status: MILPStatus, objective: Double? = nil, bestBound: Double? = nil, gap: Double? = nil,
        nodes: Int = 0, seconds: Double = 0, values: [Double] = [], solverName: String, message: String? = nil
    ) {
        self.status = status
        self.objective = objective
        self.bestBound = bestBound
        self.gap = gap
        self.nodes = nodes
        self.seconds = seconds
        self.values = values
        self.solverName = solverName
        self.message = message
    }

    /// Whether `values` holds a solution.
    public var hasSolution: Bool { !values.isEmpty }

    /// The value of `variable` in the solution, or `nil` without a solution.
    public func value(of variable: Variable) -> Double? {
        values.indices.contains(variable.index) ? values[variable.index] : nil
    }

    /// The relative gap convention used by ``gap`` (the same as GLPK's).
    public static func relativeGap(objective: Double, bound: Double) -> Double {
        abs(objective - bound) / (abs(objective) + Double.ulpOfOne)
    }
}
