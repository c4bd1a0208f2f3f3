import CPSAT
import PipeSched
import PipeSchedILP

/// `auto`'s anytime phase on CP-SAT's whole model: `cpsat` (`CPSATSearch`) started from `auto`'s best
/// schedule, on problems no larger than the largest window the window search solves
/// (`CPSATWindowSearch.Settings.maximumPasses`): there one model sees every pass, where windows see
/// a part at a time, and it proves a bound too. Runs before the window search, which continues from
/// its best.
struct CPSATImprover: ScheduleImprover {
    let name = "cpsat"
    let settings: CPSATSettings
    /// Below this share the windows get the time: measured (docs/cpsat.md, "`auto`'s anytime
    /// phase"), shares of 2.5–3.8 s improved none of the problems tried, and 7.5–10 s two of three,
    /// where the windows in the same time did not.
    let minimumSeconds = 5.0

    func fits(_ problem: Problem) -> Bool {
        guard CPSATSolver.isAvailable, OpTable.splitPassCount(problem) <= CPSATWindowSearch.Settings().maximumPasses else { return false }
        return (try? ExactSizeGuard(budget: settings.memoryBudget).check(problem, model: .cpsat(workers: settings.workers), method: name)) != nil
    }

    func improve(_ problem: Problem, _ schedule: Schedule, options: SolveOptions, seconds: Double) -> MethodOutput? {
        guard let start = WarmStart.from(problem, schedule, objective: options.objective, source: "auto") else { return nil }
        return try? CPSATSearch.solve(problem, objective: options.objective, settings: settings, timeLimit: seconds, method: name,
                                      seed: options.seed, shouldStop: options.shouldStop, onIncumbent: options.onIncumbent, from: start)
    }
}
