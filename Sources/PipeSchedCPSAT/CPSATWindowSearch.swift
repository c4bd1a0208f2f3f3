import CPSAT
import PipeSched
import PipeSchedILP

/// `cpsat-window`: large-neighbourhood search with CP-SAT. From the best heuristic schedule, free
/// the passes that start inside a time window (on every device, `Incumbent.blocks`), keep the times
/// of the passes before it (they cannot move: everything they wait for starts before them) and the
/// device order of the passes after it, re-order the window with CP-SAT (`WindowModel`: the
/// window's passes only, so any problem size works) with the current schedule as hint, and keep the
/// result when the simulated schedule is better (`ScheduleScore`). Windows
/// sweep the schedule with half-window overlap; a window solved to optimality without improvement
/// grows the size, one that hits its time limit shrinks it. Stops at the time limit or when the
/// schedule meets the core's lower bound. `from` replaces the heuristic start (`auto`'s anytime phase,
/// `CPSATWindowImprover`).
public enum CPSATWindowSearch {
    /// Passes per device freed by the first window, the smallest window, seconds per window.
    public struct Settings: Sendable {
        public var initialPassesPerDevice = 24
        public var minimumPassesPerDevice = 8
        public var windowTimeLimit = 5.0
        /// Windows never grow beyond this many passes (model size and memory stay bounded).
        public var maximumPasses = 4000
        public init() {}
    }

    public static func run(_ problem: Problem, objective: Objective, settings: CPSATSettings, window: Settings = Settings(),
                           timeLimit: Double, method: String = "cpsat-window", seed: UInt64 = 1,
                           shouldStop: (@Sendable () -> Bool)? = nil, onIncumbent: (@Sendable (Double) -> Void)? = nil,
                           from given: WarmStart? = nil) throws(SolveError) -> MethodOutput {
        let began = ContinuousClock.now
        func remaining() -> Double { timeLimit - ILPSearch.seconds(ContinuousClock.now - began) }
        guard CPSATSolver.isAvailable else { throw .solverFailed(method: method, message: CPSATError.notInstalled.description) }
        let lowerBound = LowerBound.value(problem, objective: objective)
        let table = OpTable(problem)
        guard let warm = given ?? WarmStart.best(problem, objective: objective, localSearchSeconds: min(2, 0.1 * timeLimit), seed: seed) else {
            throw ILPSearch.infeasible(problem, objective: objective, method: method)
        }
        onIncumbent?(warm.value(objective))
        var current = warm.start.map { Incumbent(problem, $0, objective: objective) }
        let count = table.count
        var size = min(count, window.maximumPasses, window.initialPassesPerDevice * problem.devices)
        var position = Int(seed % UInt64(max(1, size / 2)))
        var improvedThisSweep = false
        var subproblems = 0, branches = 0

        while let incumbent = current, remaining() > 0.5, !LowerBound.isMet(by: incumbent.value, bound: lowerBound), !(shouldStop?() ?? false) {
            if position >= count {
                position = 0
                if !improvedThisSweep { size = min(count, window.maximumPasses, size * 3 / 2) }
                improvedThisSweep = false
                continue
            }
            let blocks = incumbent.blocks(from: position, passes: size)
            guard let built = WindowModel(problem: problem, table: table, timeline: incumbent.timeline, blocks: blocks) else {
                position += max(1, size / 2)
                continue
            }
            let parameters = CPParameters(timeLimit: max(0.05, min(window.windowTimeLimit, remaining() - 0.2)), workers: settings.workers,
                                          seed: Int((seed &+ UInt64(subproblems)) % 1_000_000))
            let response: CPResponse
            do { response = try CPSATSolver.solve(built.model, parameters: parameters, shouldStop: shouldStop) } catch {
                throw .solverFailed(method: method, message: error.description)
            }
            subproblems += 1
            branches += Int(clamping: response.branches)
            var improved = false
            if response.hasSolution, let better = incumbent.improved(by: built.schedule(from: response.solution), problem: problem, objective: objective) {
                current = better
                improved = true
                improvedThisSweep = true
                onIncumbent?(better.value)
            }
            if response.status != .optimal && response.status != .infeasible {
                size = max(window.minimumPassesPerDevice * problem.devices, size * 7 / 10)
            } else if !improved {
                size = min(count, window.maximumPasses, size * 5 / 4)
            }
            position += max(1, size / 2)
        }

        // The heuristic incumbent (fused passes kept) wins when the windows over split passes do not beat it.
        var best = (schedule: Schedule(warm.incumbent.timeline), value: warm.value(objective))
        if let current, ScheduleScore(problem, current.evaluation, objective: objective).isBetter(than: ScheduleScore(problem, warm.incumbent, objective: objective)) {
            best = (Schedule(current.timeline), current.value)
        }
        let reported = ILPSettings.reported(value: best.value, bound: lowerBound)
        let report = SolverReport(name: CPSATSolver.name, status: reported.gap <= settings.relativeGap ? "optimal" : "feasible",
                                  objective: best.value, bestBound: reported.bound, gap: reported.gap, nodes: branches,
                                  seconds: ILPSearch.seconds(ContinuousClock.now - began), timeLimit: timeLimit,
                                  startObjective: warm.value(objective), subproblems: subproblems)
        return MethodOutput(schedule: best.schedule, solver: report, provenBound: reported.bound)
    }
}
