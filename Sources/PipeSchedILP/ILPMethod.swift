import PipeSched

/// `ilp`: the full scheduling MILP (`ILPSearch`), proving optimality where the solver can within
/// the time limit and reporting status, bound and gap otherwise.
public struct ILPMethod: SchedulingMethod {
    public let name = "ilp"
    public let summary = "Exact MILP (GLPK, CBC or HiGHS): warm start from the best heuristic, proves optimality or reports bound and gap; any placement, slices, caps (--solver, --gap, --time-limit, default 30 s)"
    public let settings: ILPSettings
    /// Used by `auto`: only problems small enough to prove, and this time budget instead of the caller's.
    let autoBudget: Double?

    public init(settings: ILPSettings = ILPSettings()) {
        self.settings = settings
        autoBudget = nil
    }

    /// The variant `auto` runs: it only fits problems `ILPMethod.isSmallEnoughToProve` accepts, and
    /// spends at most `budget` seconds, or half of `auto`'s time limit when that is smaller.
    public static func forAuto(settings: ILPSettings = ILPSettings(), budget: Double = 5) -> ILPMethod {
        ILPMethod(settings: settings, autoBudget: budget)
    }

    private init(settings: ILPSettings, autoBudget: Double?) {
        self.settings = settings
        self.autoBudget = autoBudget
    }

    public func checkFits(_ problem: Problem) throws(FamilyError) {
        guard autoBudget == nil || Self.isSmallEnoughToProve(problem) else {
            throw FamilyError(method: name, message: "too large to prove within auto's budget (over 8 devices or 8 passes of a kind per device); run --method ilp or ilp-window for it")
        }
        do { try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .ilp, method: name) } catch { throw FamilyError(method: name, message: error.description) }
    }

    /// Whether GLPK and CBC typically prove such a problem optimal within a few seconds: at most 8
    /// devices and at most 8 passes of each kind per device (microbatches × stages per device ×
    /// slices). Measured (docs/benchmarks.md, ILP section): p = 4, m = 8 and p = 8, m = 8 prove in
    /// under 6 s with GLPK (up to 5.7 s on hetero p = 8, m = 8) and under 3 s with CBC, capped or not;
    /// p = 4, m = 12 under a cap can take a minute.
    public static func isSmallEnoughToProve(_ problem: Problem) -> Bool {
        let perDevice = problem.deviceStages.map { $0.count * problem.microbatches * problem.sequenceSlices }.max() ?? 0
        return problem.devices <= 8 && perDevice <= 8
    }

    public func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        try run(problem, options: options).schedule
    }

    public func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .ilp, method: name)
        var limit = options.timeLimit ?? settings.defaultTimeLimit
        if let autoBudget { limit = min(autoBudget, (options.timeLimit ?? 10) / 2) }
        let outcome = try ILPSearch.solve(problem, objective: options.objective, settings: settings.stopping(when: options.shouldStop),
                                          timeLimit: limit, method: name, seed: options.seed, excluding: options.excludedCandidates)
        return MethodOutput(schedule: outcome.schedule, solver: outcome.report, provenBound: outcome.provenBound)
    }
}

extension MethodRegistry {
    /// Every method: the core library's plus the ILP methods with `settings`; `auto` also runs the
    /// ILP on problems small enough to prove. The CLI and the server use this registry.
    public static func withILP(_ settings: ILPSettings = ILPSettings()) -> MethodRegistry {
        Methods.standard.adding([ILPMethod(settings: settings), ILPWindowMethod(settings: settings)], autoCandidates: [ILPMethod.forAuto(settings: settings)])
    }
}

/// `ilp-window`: large-neighbourhood search with the ILP (`WindowSearch`) for problems too large
/// to prove: improves the best heuristic schedule window by window until the time limit.
public struct ILPWindowMethod: SchedulingMethod {
    public let name = "ilp-window"
    public let summary = "Window search: re-solves time windows of the best heuristic schedule exactly (GLPK, CBC or HiGHS) until --time-limit (default 30 s); reports improvement and gap; for large problems"
    public let settings: ILPSettings
    public let window: WindowSettings

    public init(settings: ILPSettings = ILPSettings(), window: WindowSettings = WindowSettings()) {
        self.settings = settings
        self.window = window
    }

    public func checkFits(_ problem: Problem) throws(FamilyError) {
        do { try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .ilpWindow, method: name) } catch { throw FamilyError(method: name, message: error.description) }
    }

    public func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        try run(problem, options: options).schedule
    }

    public func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .ilpWindow, method: name)
        let outcome = try WindowSearch.run(problem, objective: options.objective, settings: settings.stopping(when: options.shouldStop), window: window,
                                           timeLimit: options.timeLimit ?? settings.defaultTimeLimit, method: name, seed: options.seed)
        return MethodOutput(schedule: outcome.schedule, solver: outcome.report, provenBound: outcome.provenBound)
    }
}
