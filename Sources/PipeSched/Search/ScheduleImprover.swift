/// A search that improves a given schedule within a time budget: what `auto` runs after its local
/// search when the caller gave it a time limit and time is left (the anytime phase).
///
/// Libraries that cannot live in the core contribute improvers through `MethodRegistry.adding`: the
/// CLI and the server use CP-SAT's whole model (`cpsat` from `auto`'s best schedule, on problems no
/// larger than the window search's largest window) and the CP-SAT window search (`cpsat-window`).
/// An improver returns a schedule only when it found one; `auto` keeps it only when it is better by
/// the one comparator (`ScheduleScore`), and takes its proven bound (`MethodOutput.provenBound`).
public protocol ScheduleImprover: Sendable {
    /// The name `auto`'s candidate table shows, as `name(best)`.
    var name: String { get }

    /// Whether this improver can run on `problem` here (its solver is installed, the problem fits).
    func fits(_ problem: Problem) -> Bool

    /// The least share of the time, in seconds, worth starting it with; with less, the improvers
    /// after it take its share (default `AutoSearch.improverMinimumSeconds`).
    var minimumSeconds: Double { get }

    /// A schedule at least as good as `schedule`, found within `seconds` (with the lower bound the
    /// search proved, if any), or `nil` when none was. It polls `options.shouldStop` and reports new
    /// incumbents to `options.onIncumbent`.
    func improve(_ problem: Problem, _ schedule: Schedule, options: SolveOptions, seconds: Double) -> MethodOutput?
}

extension ScheduleImprover {
    public var minimumSeconds: Double { AutoSearch.improverMinimumSeconds }
}
