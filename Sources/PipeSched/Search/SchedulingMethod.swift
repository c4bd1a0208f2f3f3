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
    /// A schedule for `problem`. It need not be valid: `Solution` validates it before anyone sees it.
    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule
}

/// A classic schedule family seen as a method.
struct FamilyMethod: SchedulingMethod {
    let family: any ScheduleFamily

    var name: String { family.name }
    var summary: String { family.summary }

    func fits(_ problem: Problem) -> Bool { (try? family.build(problem)) != nil }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        do { return try family.build(problem) } catch { throw .doesNotFit(error) }
    }
}
