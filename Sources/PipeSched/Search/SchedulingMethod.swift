/// Options shared by every scheduling method.
///
/// Equality and hashing cover the settings that change the result (objective, time limit, seed,
/// excluded candidates), not the `shouldStop` and `onIncumbent` hooks.
public struct SolveOptions: Sendable, Hashable {
    public var objective: Objective
    /// Wall-clock budget in seconds for methods that search (local search, auto, ILP); `nil` = default.
    public var timeLimit: Double?
    /// Seed for randomized moves; the same seed gives the same schedule.
    public var seed: UInt64
    /// What `auto` leaves out (`solve --exclude`): names from its `excludableCandidates`, checked by
    /// `exclusion(_:field:)`. Other methods ignore it.
    public var excludedCandidates: Set<String>
    /// Polled by searching methods (local search, auto, ILP); once it returns `true` the method stops
    /// as soon as it can and returns its best schedule so far. `nil` never stops early.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Called with the objective value of each new best schedule a searching method finds.
    public var onIncumbent: (@Sendable (Double) -> Void)?

    public init(objective: Objective = .stageSpan, timeLimit: Double? = nil, seed: UInt64 = 1, excludedCandidates: Set<String> = [],
                shouldStop: (@Sendable () -> Bool)? = nil, onIncumbent: (@Sendable (Double) -> Void)? = nil) {
        self.objective = objective
        self.timeLimit = timeLimit
        self.seed = seed
        self.excludedCandidates = excludedCandidates
        self.shouldStop = shouldStop
        self.onIncumbent = onIncumbent
    }

    /// Whether the caller asked the method to stop.
    public var stopRequested: Bool { shouldStop?() ?? false }

    public static func == (lhs: SolveOptions, rhs: SolveOptions) -> Bool {
        lhs.objective == rhs.objective && lhs.timeLimit == rhs.timeLimit && lhs.seed == rhs.seed
            && lhs.excludedCandidates == rhs.excludedCandidates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(objective)
        hasher.combine(timeLimit)
        hasher.combine(seed)
        hasher.combine(excludedCandidates)
    }
}

/// A way to produce a schedule for a problem: a classic family, a greedy search, local search, an
/// exact solver, or `auto`, which runs the others.
public protocol SchedulingMethod: Sendable {
    /// The method name on the command line.
    var name: String { get }
    /// One line: what the method does and where it comes from.
    var summary: String { get }
    /// Throws why the method does not accept this problem at all (placement, slices, size); `auto`
    /// asks before running it and shows the reason in its table. The default accepts every problem.
    func checkFits(_ problem: Problem) throws(FamilyError)
    /// A schedule for `problem`. It need not be valid: `Solution` validates it before anyone sees it.
    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule
    /// The schedule with what the method proved about it. The default calls `schedule` and proves
    /// nothing; exact methods (the ILP) return their solver's report, whose bound raises the
    /// solution's lower bound.
    func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput
    /// For `auto`: the names `SolveOptions.excludedCandidates` may hold (its candidates, `local`,
    /// its improvers). Empty for every other method, which runs no candidates.
    var excludableCandidates: [String] { get }
    /// Whether the method takes microbatches in their numbering (families, greedy searches): where
    /// microbatches differ in cost, `auto` then also runs it on the other orders of `MicrobatchOrder`.
    /// `false` (the default) for methods that choose the order themselves (exact search) or run others.
    var takesMicrobatchesInNumberOrder: Bool { get }
    /// Whether the method schedules under whatever caps it is given, filling devices up to them
    /// (the greedy): `auto` then also runs it under the tighter budgets of `ActivationBudget`.
    /// `false` (the default) for fixed orders, for peers kept as they are, and for exact methods.
    var adaptsToMemoryCaps: Bool { get }
}

extension SchedulingMethod {
    public func checkFits(_ problem: Problem) throws(FamilyError) {}

    public var excludableCandidates: [String] { [] }

    public var takesMicrobatchesInNumberOrder: Bool { false }

    public var adaptsToMemoryCaps: Bool { false }

    /// Whether the method accepts this problem (`checkFits` does not throw).
    public func fits(_ problem: Problem) -> Bool {
        do { try checkFits(problem) } catch { return false }
        return true
    }

    public func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        MethodOutput(schedule: try schedule(problem, options: options))
    }
}

/// What a method returns: a schedule, and for exact methods the solver's report on it.
public struct MethodOutput: Sendable {
    public var schedule: Schedule
    /// Status, proven bound and gap of an exact solver; `nil` for heuristics.
    public var solver: SolverReport?
    /// A proven lower bound on the objective of every schedule (default: the solver's `bestBound`).
    public var provenBound: Double?
    /// The candidates `auto` tried; `nil` for other methods.
    public var candidates: [CandidateSummary]?

    public init(schedule: Schedule, solver: SolverReport? = nil, provenBound: Double? = nil, candidates: [CandidateSummary]? = nil) {
        self.schedule = schedule
        self.solver = solver
        self.provenBound = provenBound ?? solver?.bestBound
        self.candidates = candidates
    }
}

/// A classic schedule family seen as a method.
struct FamilyMethod: SchedulingMethod {
    let family: any ScheduleFamily

    var name: String { family.name }
    /// The family's summary, naming the PyTorch class whose orders it runs where the summary does not.
    var summary: String {
        guard let torchClass = family.torchClass, !family.summary.contains(torchClass) else { return family.summary }
        return family.summary + "; PyTorch's \(torchClass)"
    }
    var takesMicrobatchesInNumberOrder: Bool { true }

    func checkFits(_ problem: Problem) throws(FamilyError) { _ = try build(problem) }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        do { return try build(problem) } catch { throw .doesNotFit(error) }
    }

    /// The family's orders, for problems of as many pipelines as it orders (`Pipelines.swift`): a
    /// one-pipeline order on two pipelines would only be re-timed with fewer dependencies.
    private func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        guard problem.pipelines == family.pipelines else {
            let what = family.pipelines == 1 ? "one pipeline" : "\(family.pipelines) pipelines"
            // The methods that order the problem's pipelines: the searches, and the families for that many.
            let methods = ["greedy", "local", "auto", "an exact method"]
                + ScheduleFamilies.all.filter { $0.pipelines == problem.pipelines }.map(\.name)
            let fix = family.pipelines == 1 ? "use \(methods.dropLast().joined(separator: ", ")) or \(methods.last!)"
                : "set \"pipelines\": \(family.pipelines)"
            throw FamilyError(method: name, message: "orders \(what), but the problem has \(problem.pipelines) (pipelines); \(fix)")
        }
        try FamilyError.requireChain(problem, method: name)
        return try family.build(problem)
    }
}
