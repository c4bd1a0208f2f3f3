/// What an exact solver reported about a schedule (schedule JSON `"solver"`): the backend, how the
/// search ended, the objective it reached, the bound it proved and the relative gap between them.
///
/// Written by the ILP methods (`ilp`, `ilp-window`). `status` is one of `optimal`, `feasible`,
/// `infeasible`, `noSolution`, `error` (the solver layer's names). `objective` is the value of the
/// schedule that was written (its simulated objective), `bestBound` a proven lower bound on every
/// schedule's objective, `gap` = (objective − bestBound) / objective.
public struct SolverReport: Sendable, Equatable, Codable {
    /// Backend and version, e.g. `"CBC 2.10.8"`.
    public var name: String
    /// How the search ended.
    public var status: String
    /// Objective value of the written schedule; `nil` when there is none.
    public var objective: Double?
    /// Proven lower bound on the objective of every schedule; `nil` when the solver proved none.
    public var bestBound: Double?
    /// Relative gap between `objective` and `bestBound`.
    public var gap: Double?
    /// Branch-and-bound nodes explored (summed over sub-problems for the window search).
    public var nodes: Int
    /// Wall-clock seconds spent by the method, warm start included.
    public var seconds: Double
    /// The time limit the method ran under, in seconds.
    public var timeLimit: Double?
    /// Objective value of the heuristic schedule the search started from.
    public var startObjective: Double?
    /// Number of sub-problems solved (window search only).
    public var subproblems: Int?

    public init(name: String, status: String, objective: Double? = nil, bestBound: Double? = nil, gap: Double? = nil,
                nodes: Int = 0, seconds: Double = 0, timeLimit: Double? = nil, startObjective: Double? = nil,
                subproblems: Int? = nil) {
        self.name = name
        self.status = status
        self.objective = objective
        self.bestBound = bestBound
        self.gap = gap
        self.nodes = nodes
        self.seconds = seconds
        self.timeLimit = timeLimit
        self.startObjective = startObjective
        self.subproblems = subproblems
    }
}
