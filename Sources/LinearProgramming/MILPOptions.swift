/// Settings for one ``MILPSolver/solve(_:options:)`` call. Every field has a default.
public struct MILPOptions: Sendable {
    /// Wall-clock limit in seconds, counted from the start of the `solve` call
    /// (for CBC this includes waiting for the process-wide CBC lock). `nil` = no limit.
    /// When it is reached the status is ``MILPStatus/feasible`` (with incumbent) or
    /// ``MILPStatus/noSolution``. GLPK keeps it to a few milliseconds; for CBC see ``CBCSolver``.
    public var timeLimit: Double?

    /// Relative MIP gap, about `|objective - bestBound| / |objective|`, at which the search
    /// stops and reports ``MILPStatus/optimal`` (GLPK: `mip_gap`, CBC: `ratioGap`, each with
    /// its own exact denominator). `0` demands proven optimality (up to CBC's default
    /// absolute gap of 1e-10).
    public var relativeGap: Double

    /// `false` (default): the solver prints nothing at all. `true`: the solver's own log
    /// goes to standard output.
    public var verbose: Bool

    /// Number of threads for CBC's branch-and-bound (1 = sequential). GLPK ignores it.
    public var threads: Int

    /// A start solution: one value per variable, in ``Variable/index`` order.
    ///
    /// - CBC passes it as a MIP start (`Cbc_setMIPStartI`); an infeasible start is ignored by CBC.
    /// - GLPK can only take a start through its heuristic callback, which forces its presolver
    ///   off and was measured to be orders of magnitude slower. So ``GLPKSolver`` does not use
    ///   it as a MIP start: if the start is feasible (checked in Swift) and ``cutoff`` is `nil`,
    ///   the start's objective value is used as the cutoff instead.
    ///
    /// Both backends throw ``LinearProgrammingError/startLengthMismatch(expected:actual:)``
    /// if the length is wrong.
    public var start: [Double]?

    /// An objective value known to be achievable (e.g. the value of a heuristic solution).
    /// Solutions worse than it are cut off: CBC gets it as its cutoff (`Cbc_setCutoff`),
    /// GLPK as an extra constraint `objective <= cutoff` (`>=` when maximising). A tiny
    /// tolerance keeps solutions exactly at the cutoff. If the value is *not* achievable
    /// the solve may end ``MILPStatus/infeasible`` (no solution at least this good).
    public var cutoff: Double?

    /// CBC only: run CBC's MIP preprocessing (`CglPreProcess`, the `preprocess` parameter). `true` is
    /// CBC's default. Turn it off when the start is likely optimal: CBC 2.10.8 was seen to crash in
    /// `CglPreProcess::postProcess` when the preprocessed root LP is infeasible under the start's
    /// cutoff (the start cannot be improved), and on the scheduling ILP preprocessing was no faster.
    /// GLPK and HiGHS ignore it.
    public var preprocess: Bool

    /// Cooperative cancellation: polled before the solve starts and from the solvers'
    /// callbacks during the search. When it returns `true` the solve stops and reports
    /// ``MILPStatus/feasible`` or ``MILPStatus/noSolution``. See ``GLPKSolver`` and
    /// ``CBCSolver`` for where each backend can and cannot poll it.
    public var shouldStop: (@Sendable () -> Bool)?

    /// Options with the given values; the defaults are no time limit, relative gap 1e-6,
    /// silent, one thread, no start, no cutoff, CBC preprocessing on, no cancellation.
    public init(
        timeLimit: Double? = nil,
        relativeGap: Double = 1e-6,
        verbose: Bool = false,
        threads: Int = 1,
        start: [Double]? = nil,
        cutoff: Double? = nil,
        preprocess: Bool = true,
        shouldStop: (@Sendable () -> Bool)? = nil
    ) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.verbose = verbose
        self.threads = threads
        self.start = start
        self.cutoff = cutoff
        self.preprocess = preprocess
        self.shouldStop = shouldStop
    }
}
