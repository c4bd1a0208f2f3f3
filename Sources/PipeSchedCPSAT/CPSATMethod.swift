import CPSAT
import PipeSched
import PipeSchedILP

/// `cpsat`: the whole scheduling problem on OR-Tools' CP-SAT (`CPSATSearch`); proves optimality
/// where it can within the time limit and reports status, bound and gap otherwise.
public struct CPSATMethod: SchedulingMethod {
    public let name = "cpsat"
    public let summary = "Exact constraint programming (OR-Tools CP-SAT: intervals, no-overlap, memory reservoirs): warm start from the best heuristic, proves optimality or reports bound and gap (--workers, --gap, --time-limit, default 30 s)"
    public let settings: CPSATSettings
    /// Used by `auto`: only problems small enough to prove, and this time budget instead of the caller's.
    let autoBudget: Double?

    public init(settings: CPSATSettings = CPSATSettings()) {
        self.settings = settings
        autoBudget = nil
    }

    /// The variant `auto` runs: only on problems `isSmallEnoughToProve` accepts, for at most
    /// `budget` seconds or half of `auto`'s time limit when that is smaller.
    public static func forAuto(settings: CPSATSettings = CPSATSettings(), budget: Double = 5) -> CPSATMethod {
        CPSATMethod(settings: settings, autoBudget: budget)
    }

    private init(settings: CPSATSettings, autoBudget: Double?) {
        self.settings = settings
        self.autoBudget = autoBudget
    }

    /// At most 8 devices and 16 passes of each kind per device (microbatches × stages per device ×
    /// slices): CP-SAT proves most such problems within seconds (docs/benchmarks.md, CP-SAT section).
    public static func isSmallEnoughToProve(_ problem: Problem) -> Bool {
        let perDevice = problem.deviceStages.map { $0.count * problem.microbatches * problem.sequenceSlices }.max() ?? 0
        return problem.devices <= 8 && perDevice <= 16
    }

    public func checkFits(_ problem: Problem) throws(FamilyError) {
        guard CPSATSolver.isAvailable else { throw FamilyError(method: name, message: CPSATError.notInstalled.description) }
        if autoBudget != nil, !Self.isSmallEnoughToProve(problem) {
            throw FamilyError(method: name, message: "larger than auto proves in seconds (more than 8 devices or 16 passes of a kind per device); run cpsat or cpsat-window")
        }
        do { try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .cpsat(workers: settings.workers), method: name) } catch {
            throw FamilyError(method: name, message: error.description)
        }
    }

    public func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        try run(problem, options: options).schedule
    }

    public func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .cpsat(workers: settings.workers), method: name)
        var limit = options.timeLimit ?? settings.defaultTimeLimit
        if let autoBudget { limit = min(autoBudget, (options.timeLimit ?? 10) / 2) }
        return try CPSATSearch.solve(problem, objective: options.objective, settings: settings, timeLimit: limit, method: name,
                                     seed: options.seed, excluding: options.excludedCandidates, shouldStop: options.shouldStop,
                                     onIncumbent: options.onIncumbent)
    }
}

/// `cpsat-window`: large-neighbourhood search with CP-SAT (`CPSATWindowSearch`) for problems too
/// large to prove: improves the best heuristic schedule window by window until the time limit.
public struct CPSATWindowMethod: SchedulingMethod {
    public let name = "cpsat-window"
    public let summary = "Window search on CP-SAT: re-solves time windows of the best heuristic schedule exactly until --time-limit (default 30 s); reports improvement and gap; for large problems"
    public let settings: CPSATSettings
    public let window: CPSATWindowSearch.Settings

    public init(settings: CPSATSettings = CPSATSettings(), window: CPSATWindowSearch.Settings = .init()) {
        self.settings = settings
        self.window = window
    }

    public func checkFits(_ problem: Problem) throws(FamilyError) {
        guard CPSATSolver.isAvailable else { throw FamilyError(method: name, message: CPSATError.notInstalled.description) }
        do { try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: sizeModel, method: name) } catch { throw FamilyError(method: name, message: error.description) }
    }

    private var sizeModel: ExactSizeGuard.Model { .cpsatWindow(passes: window.maximumPasses, workers: settings.workers) }

    public func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        try run(problem, options: options).schedule
    }

    public func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        try ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: sizeModel, method: name)
        return try CPSATWindowSearch.run(problem, objective: options.objective, settings: settings, window: window,
                                         timeLimit: options.timeLimit ?? settings.defaultTimeLimit, method: name, seed: options.seed,
                                         shouldStop: options.shouldStop, onIncumbent: options.onIncumbent)
    }
}

extension MethodRegistry {
    /// Every method: the core's, the ILP methods (`ilp`, `ilp-window`) and the CP-SAT methods
    /// (`cpsat`, `cpsat-window`). `auto` runs `cpsat` on problems small enough to prove when
    /// OR-Tools is installed, the ILP otherwise, and, given a time limit, from its best schedule for
    /// the time left: CP-SAT's whole model where it is no larger than the largest window
    /// (`CPSATImprover`), then CP-SAT windows (`CPSATWindowImprover`). The CLI and the server use this registry.
    public static func withExactMethods(_ ilp: ILPSettings = ILPSettings(), cpsat: CPSATSettings = CPSATSettings()) -> MethodRegistry {
        let exact: [any SchedulingMethod] = [ILPMethod(settings: ilp), ILPWindowMethod(settings: ilp),
                                             CPSATMethod(settings: cpsat), CPSATWindowMethod(settings: cpsat)]
        let prover = AutoProver(cpsat: CPSATMethod.forAuto(settings: cpsat), ilp: ILPMethod.forAuto(settings: ilp))
        return Methods.standard.adding(exact, autoCandidates: [prover], improvers: [CPSATImprover(settings: cpsat), CPSATWindowImprover(settings: cpsat)])
    }
}
