import PipeSched

/// The settings of the exact (ILP) methods a solve request may carry, as
/// `pipesched solve --solver --gap --threads`: the MILP backend, the relative gap at which the search
/// stops, and CBC's threads. They change the result, so they are part of the request key.
public struct ExactSolverSettings: Sendable, Hashable {
    public var solver: String
    public var gap: Double
    public var threads: Int

    public init(solver: String, gap: Double = 0, threads: Int = 1) {
        self.solver = solver
        self.gap = gap
        self.threads = threads
    }

    /// The text that enters the request key, e.g. `cbc gap=0.01 threads=2`.
    public var canonical: String { "\(solver) gap=\(gap) threads=\(threads)" }
}

/// How the server builds its methods for a request that names exact-solver settings: the
/// backends it has and the methods configured with given settings. `pipesched serve` supplies it
/// from the ILP target; without it, requests naming `solver`, `gap` or `threads` are refused.
public struct ExactMethods: Sendable {
    /// Backends available on this server, e.g. `["glpk", "cbc"]`.
    public var solvers: [String]
    /// The backend used when a request gives `gap` or `threads` but no `solver`.
    public var defaultSolver: String
    /// Every method, with the exact ones configured by the settings.
    public var methods: @Sendable (ExactSolverSettings) -> [any SchedulingMethod]

    public init(solvers: [String], defaultSolver: String, methods: @escaping @Sendable (ExactSolverSettings) -> [any SchedulingMethod]) {
        self.solvers = solvers
        self.defaultSolver = defaultSolver
        self.methods = methods
    }
}
