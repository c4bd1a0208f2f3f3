import LinearProgramming

/// Solver settings of the exact methods (`--solver`, `--gap`, `--threads`, `--verbose`).
public struct ILPSettings: Sendable {
    /// The MILP backend.
    public var solver: SolverKind
    /// Relative gap at which a solve counts as optimal (0 demands a proof of optimality).
    public var relativeGap: Double
    /// Threads for CBC's branch-and-bound (GLPK ignores it).
    public var threads: Int
    /// Print the solver's log to standard output.
    public var verbose: Bool
    /// Time limit when the caller gives none, in seconds.
    public var defaultTimeLimit: Double

    public init(solver: SolverKind = .cbc, relativeGap: Double = 0, threads: Int = 1, verbose: Bool = false,
                defaultTimeLimit: Double = 30) {
        self.solver = solver
        self.relativeGap = relativeGap
        self.threads = threads
        self.verbose = verbose
        self.defaultTimeLimit = defaultTimeLimit
    }

    /// Solver options for one solve.
    func options(timeLimit: Double, start: [Double]?) -> MILPOptions {
        // GLPK and CBC need a strictly positive gap to stop on it; 1e-9 is "proven optimal" in practice.
        MILPOptions(timeLimit: max(0.01, timeLimit), relativeGap: max(relativeGap, 1e-9), verbose: verbose,
                    threads: threads, start: start)
    }
}
