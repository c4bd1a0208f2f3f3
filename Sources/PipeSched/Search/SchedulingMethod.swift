/// Options shared by every scheduling method.
public struct SolveOptions: Sendable, Hashable {
    public var objective: Objective
    /// Wall-clock budget in seconds for methods that search (local search, auto, ILP); `nil` = default.
    public var timeLimit: Double?
    /// Seed for randomized moves; the same seed gives the same schedule.
    public var seed: UInt64

    public init(objective: Objective = .stageSpan, timeLimit: Double? = nil, seed: UInt64 = 1) {
        self.objective = objective
        self.timeLimit = timeLimit
        self.seed = seed
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
