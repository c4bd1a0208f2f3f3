import CPSAT
import PipeSched
import PipeSchedILP

/// `auto`'s anytime phase on CP-SAT: the window search (`CPSATWindowSearch`) started from `auto`'s
/// best schedule, for the time left of the caller's limit. It fits wherever `cpsat-window` does
/// (OR-Tools installed; the window model's memory is bounded by its largest window).
struct CPSATWindowImprover: ScheduleImprover {
    let name = "cpsat-window"
    let settings: CPSATSettings

    func fits(_ problem: Problem) -> Bool {
        (try? CPSATWindowMethod(settings: settings).checkFits(problem)) != nil
    }

    func improve(_ problem: Problem, _ schedule: Schedule, options: SolveOptions, seconds: Double) -> MethodOutput? {
        guard let start = WarmStart.from(problem, schedule, objective: options.objective, source: "auto") else { return nil }
        return try? CPSATWindowSearch.run(problem, objective: options.objective, settings: settings, timeLimit: seconds,
                                          seed: options.seed, shouldStop: options.shouldStop,
                                          onIncumbent: options.onIncumbent, from: start)
    }
}
