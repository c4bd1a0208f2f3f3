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
    /// Bytes a model may take (`ExactSizeGuard`; `--max-exact-memory`).
    public var memoryBudget: Double
    /// Cooperative cancellation, handed to every MILP solve (`MILPOptions.shouldStop`) and polled
    /// between the window search's sub-problems. The methods set it from `SolveOptions.shouldStop`.
    public var shouldStop: (@Sendable () -> Bool)?

    /// Relative differences below this between objective and bound are the model's numerical slack
    /// (bounds are loosened by 1e-7 of the horizon, memory rows by 1e-9 of the cap): such a bound is
    /// reported equal to the objective, with gap 0.
    static let tolerance = 1e-6

    /// The bound a solve proved. A result with status `optimal` is proven within the requested gap
    /// (the solver layer's contract), even when the solver's own bound says less: CBC, when its
    /// root LP is infeasible under the warm start's cutoff, ends "optimal" but reports the plain LP
    /// value as its best possible objective.
    static func provenBound(of result: MILPResult, requestedGap: Double) -> Double? {
        guard result.status == .optimal, let objective = result.objective else { return result.bestBound }
        return max(result.bestBound ?? -.infinity, objective - requestedGap * abs(objective))
    }

    /// Bound and gap as reported: a bound within `tolerance` of the value (either side: numerical
    /// slack) is snapped to it. Nothing else is clamped: a bound above a schedule's value beyond the
    /// tolerance is a bug, reported as it is (a negative gap) so that the tests catch it.
    public static func reported(value: Double, bound: Double) -> (bound: Double, gap: Double) {
        let gap = value > 0 ? (value - bound) / value : 0
        return abs(gap) <= tolerance ? (value, 0) : (bound, gap)
    }

    public init(solver: SolverKind = .cbc, relativeGap: Double = 0, threads: Int = 1, verbose: Bool = false,
                defaultTimeLimit: Double = 30, memoryBudget: Double = ExactSizeGuard.defaultBudget) {
        self.solver = solver
        self.relativeGap = relativeGap
        self.threads = threads
        self.verbose = verbose
        self.defaultTimeLimit = defaultTimeLimit
        self.memoryBudget = memoryBudget
    }

    /// Solver options for one solve. CBC runs without its preprocessing: the warm start is often
    /// already optimal, and then CBC 2.10.8 can crash in `CglPreProcess::postProcess`; measured on
    /// the scheduling ILP, preprocessing was no faster (uniform p = 4, m = 12 capped: 9.7 s without,
    /// no proof in 60 s with it).
    func options(timeLimit: Double, start: [Double]?) -> MILPOptions {
        // The solvers need a strictly positive gap to stop on it; 1e-7 is below the model's own slack.
        MILPOptions(timeLimit: max(0.01, timeLimit), relativeGap: max(relativeGap, 1e-7), verbose: verbose,
                    threads: threads, start: start, preprocess: false, shouldStop: shouldStop)
    }

    /// These settings with the caller's stop request (`SolveOptions.shouldStop`) added.
    func stopping(when shouldStop: (@Sendable () -> Bool)?) -> ILPSettings {
        guard let shouldStop else { return self }
        var settings = self
        let own = self.shouldStop
        settings.shouldStop = { shouldStop() || (own?() ?? false) }
        return settings
    }
}
