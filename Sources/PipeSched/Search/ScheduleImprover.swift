/// A search that improves a given schedule within a time budget: what `auto` runs after its local
/// search when the caller gave it a time limit and time is left (the anytime phase).
///
/// Libraries that cannot live in the core contribute improvers through `MethodRegistry.adding`: the
/// CP-SAT window search (`cpsat-window` from `auto`'s best schedule) is the one the CLI and the
/// server use. An improver returns a schedule only when it found one; `auto` keeps it only when it
/// is better by the one comparator (`ScheduleScore`).
public protocol ScheduleImprover: Sendable {
    /// The name `auto`'s candidate table shows, as `name(best)`.
    var name: String { get }

    /// Whether this improver can run on `problem` here (its solver is installed, the problem fits).
    func fits(_ problem: Problem) -> Bool

    /// A schedule at least as good as `schedule`, found within `seconds`, or `nil` when none was.
    /// It polls `options.shouldStop` and reports new incumbents to `options.onIncumbent`.
    func improve(_ problem: Problem, _ schedule: Schedule, options: SolveOptions, seconds: Double) -> Schedule?
}
