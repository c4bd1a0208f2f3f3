/// Options shared by every scheduling method.
///
/// Equality and hashing cover the settings that change the result (objective, time limit, seed),
/// not the `shouldStop` and `onIncumbent` hooks.
public struct SolveOptions: Sendable, Hashable {
    public var objective: Objective
    /// Wall-clock budget in seconds for methods that search (local search, auto, ILP); `nil` = default.
    public var timeLimit: Double?
    /// Seed for randomized moves; the same seed gives the same schedule.
    public var seed: UInt64
    /// Polled by searching methods (local search, auto, ILP); once it returns `true` the method stops
    /// as soon as it can and returns its best schedule so far. `nil` never stops early.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Called with the objective value of each new best schedule a searching method finds.
    public var onIncumbent: (@Sendable (Double) -> Void)?

    public init(objective: Objective = .stageSpan, timeLimit: Double? = nil, seed: UInt64 = 1,
                shouldStop: (@Sendable () -> Bool)? = nil, onIncumbent: (@Sendable (Double) -> Void)? = nil) {
        self.objective = objective
        self.timeLimit = timeLimit
        self.seed = seed
        self.shouldStop = shouldStop
        self.onIncumbent = onIncumbent
    }

    /// Whether the caller asked the method to stop.
    public var stopRequested: Bool { shouldStop?() ?? false }

    public static func == (lhs: SolveOptions, rhs: SolveOptions) -> Bool {
        lhs.objective == rhs.objective && lhs.timeLimit == rhs.timeLimit && lhs.seed == rhs.seed
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(objective)
        hasher.combine(timeLimit)
        hasher.combine(seed)
    }
}

/// A way to produce a schedule for a problem: a classic family, a greedy search, local search, an
/// exact solver, or `auto`, which runs the others.
public protocol SchedulingMethod: Sendable {
    /// The method name on the command line.
    var name: String { get }
    /// One line: what the method does and where it comes from.
    var summary: String { get }
    /// Whether the method accepts this problem at all (placement, slices); `auto` asks before running it.
    func fits(_ problem: Problem) -> Bool
    /// Why `auto` skips the method for this problem (`solve --all` prints it); `nil` when it fits.
    func whyNotFit(_ problem: Problem) -> String?
    /// A schedule for `problem`. It need not be valid: `Solution` validates it before anyone sees it.
    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule
    /// The schedule with what the method proved about it. The default calls `schedule` and proves
    /// nothing; exact methods (the ILP) return their solver's report, whose bound raises the
    /// solution's lower bound.
    func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput
}

extension SchedulingMethod {
    public func whyNotFit(_ problem: Problem) -> String? { fits(problem) ? nil : "does not fit the placement" }

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

    public init(schedule: Schedule, solver: SolverReport? = nil, provenBound: Double? = nil) {
        self.schedule = schedule
        self.solver = solver
        self.provenBound = provenBound ?? solver?.bestBound
    }
}

/// A classic schedule family seen as a method.
struct FamilyMethod: SchedulingMethod {
    let family: any ScheduleFamily

    var name: String { family.name }
    var summary: String { family.summary }

    func fits(_ problem: Problem) -> Bool { (try? family.build(problem)) != nil }

    func whyNotFit(_ problem: Problem) -> String? {
        do { _ = try family.build(problem) } catch { return error.description }
        return nil
    }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        do { return try family.build(problem) } catch { throw .doesNotFit(error) }
    }
}
