import Foundation
import LinearProgramming
import PipeSched

/// Window sizes and budgets of the window search. The defaults come from the measurements in
/// `docs/benchmarks.md` (ILP section): windows of about 12 passes per device are solved to
/// optimality in well under a second on p = 8 and p = 16 pipelines; at about 20 passes per device
/// solves start to run into a 5 s limit.
public struct WindowSettings: Sendable {
    /// Passes freed per window at the start, per device; `nil` uses `initialPasses`.
    public var initialPassesPerDevice: Int?
    /// Passes freed per window at the start when `initialPassesPerDevice` is `nil`.
    public var initialPasses: Int
    /// The window never shrinks below this many passes.
    public var minimumPasses: Int
    /// Seconds per sub-problem at most.
    public var windowTimeLimit: Double

    public init(initialPassesPerDevice: Int? = 12, initialPasses: Int = 48, minimumPasses: Int = 12, windowTimeLimit: Double = 4) {
        self.initialPassesPerDevice = initialPassesPerDevice
        self.initialPasses = initialPasses
        self.minimumPasses = minimumPasses
        self.windowTimeLimit = windowTimeLimit
    }

    /// The first window size for a problem with `devices` devices and `passes` passes.
    func initialSize(devices: Int, passes: Int) -> Int {
        min(passes, max(minimumPasses, initialPassesPerDevice.map { $0 * devices } ?? initialPasses))
    }
}

/// Large-neighbourhood search with the ILP (`ilp-window`): from the best heuristic schedule,
/// repeatedly free the passes that start inside a time window (on every device), solve that
/// sub-ILP exactly with the order of everything else fixed, and keep the result when it improves
/// the simulated objective (ties: the sum of device spans). Windows sweep the schedule from start
/// to end with half-window overlap; a window that hits its time limit shrinks the size, a sweep
/// without improvement grows it, and once a window would hold every pass the search becomes the
/// full ILP, which can prove optimality. Stops at the time limit.
public enum WindowSearch {
    /// Improves the best heuristic schedule within `timeLimit` seconds.
    public static func run(_ problem: Problem, objective: Objective, settings: ILPSettings, window: WindowSettings = WindowSettings(),
                           timeLimit: Double, method: String = "ilp-window", seed: UInt64 = 1) throws(SolveError) -> ILPOutcome {
        let began = ContinuousClock.now
        guard let warm = WarmStart.best(problem, objective: objective, localSearchSeconds: min(2, 0.1 * timeLimit), seed: seed),
              let start = warm.start else {
            return try ILPSearch.solve(problem, objective: objective, settings: settings, timeLimit: timeLimit, method: method, seed: seed)
        }
        let spent = ILPSearch.seconds(ContinuousClock.now - began)
        var outcome = try improve(start, problem: problem, objective: objective, settings: settings, window: window,
                                  timeLimit: timeLimit - spent, method: method, seed: seed)
        // The heuristic incumbent (fused passes kept) wins when the windows over split passes do not beat it.
        if let found = try? Evaluation(problem, outcome.schedule, objective: objective),
           ScheduleScore(problem, warm.incumbent, objective: objective).isBetter(than: ScheduleScore(problem, found, objective: objective)) {
            outcome = outcome.replacing(Schedule(warm.incumbent.timeline), value: warm.value(objective), relativeGap: settings.relativeGap)
        }
        outcome.report.seconds += spent
        outcome.report.timeLimit = timeLimit
        return outcome
    }

    /// The smallest budget a sub-problem is started with.
    static let minimumSolveSeconds = 1.0

    /// Improves `start` (a valid evaluation of a schedule of split passes in microbatch order, see
    /// `WarmStart.canonical`) within `timeLimit` seconds.
    public static func improve(_ start: Evaluation, problem: Problem, objective: Objective, settings: ILPSettings,
                               window: WindowSettings = WindowSettings(), timeLimit: Double, method: String = "ilp-window",
                               seed: UInt64 = 1) throws(SolveError) -> ILPOutcome {
        let began = ContinuousClock.now
        func remaining() -> Double { timeLimit - ILPSearch.seconds(ContinuousClock.now - began) }
        let frame = ProblemFrame(problem, objective: objective)
        // Building a window's formulation closes the whole problem's ordering graph a few times
        // (`TimeWindows.tighten`), which nothing interrupts: about 12 s at p = 128, m = 512. A window
        // starts only when the longest build so far (at first, the frame's, which closes it once)
        // and a minimal solve fit in the time left.
        var longestBuild = ILPSearch.seconds(ContinuousClock.now - began)
        let builder = SubproblemBuilder(frame: frame)
        let solver = settings.solver.makeSolver()
        let lowerBound = frame.lowerBound
        var current = Incumbent(problem, start, objective: objective)
        var bound = lowerBound
        var nodes = 0, subproblems = 0
        let count = frame.table.count
        var size = window.initialSize(devices: problem.devices, passes: count)
        var position = Int(seed % UInt64(max(1, size / 2)))
        var improvedThisSweep = false

        // No sub-problem starts with less than a second left: CBC 2.10.8 crashes (CglPreProcess::
        // postProcess) when its time limit expires inside the root LP, which tiny budgets provoke.
        while remaining() >= longestBuild + Self.minimumSolveSeconds, current.value > bound * (1 + ILPSettings.tolerance),
              !(settings.shouldStop?() ?? false) {
            let full = size >= count
            var blocks: [Range<Int>?]
            if full {
                blocks = current.orders.map { 0..<$0.count }
            } else {
                if position >= count {
                    position = 0
                    if !improvedThisSweep { size = min(count, size * 3 / 2) }
                    improvedThisSweep = false
                    continue
                }
                blocks = current.blocks(from: position, passes: size)
            }
            let building = ContinuousClock.now
            let built = builder.formulation(orders: current.orders, blocks: blocks, horizon: current.value,
                                            lowerBound: lowerBound, tieBreak: !full)
            longestBuild = max(longestBuild, ILPSearch.seconds(ContinuousClock.now - building))
            guard let formulation = built, formulation.isFeasible else {
                // Only rounding can make the current schedule's own neighbourhood infeasible: move on.
                if full { break }
                position += max(1, size / 2)
                continue
            }
            let initial = formulation.values(for: current.timeline).flatMap { formulation.model.maximumViolation(at: $0) <= 1e-6 ? $0 : nil }
            let limit = full ? remaining() : min(window.windowTimeLimit, remaining())
            let result: MILPResult
            do {
                result = try solver.solve(formulation.model, options: settings.options(timeLimit: limit, start: initial))
            } catch {
                throw .solverFailed(method: method, message: "\(error)")
            }
            nodes += result.nodes
            subproblems += 1
            var improved = false
            if result.hasSolution, let better = current.improved(by: formulation.schedule(from: result.values), problem: problem, objective: objective) {
                current = better
                improved = true
                improvedThisSweep = true
            }
            if full {
                if result.status == .optimal || result.status == .feasible,
                   let proven = ILPSettings.provenBound(of: result, requestedGap: max(settings.relativeGap, 1e-7)) {
                    bound = max(bound, proven)
                }
                break
            }
            // Shrink after a window that ran out of time; grow after one solved in under a quarter of
            // its budget without improving (larger windows reach further).
            if result.status != .optimal {
                size = max(window.minimumPasses, size * 7 / 10)
            } else if !improved, result.seconds < 0.25 * window.windowTimeLimit {
                size = min(count, size * 5 / 4)
            }
            position += max(1, size / 2)
        }
        let value = current.value
        let proven = frame.modelCoversEverySchedule ? bound : lowerBound
        let reported = ILPSettings.reported(value: value, bound: proven)
        let report = SolverReport(name: solver.name, status: reported.gap <= settings.relativeGap ? "optimal" : "feasible",
                                  objective: value, bestBound: reported.bound, gap: reported.gap, nodes: nodes,
                                  seconds: ILPSearch.seconds(ContinuousClock.now - began), timeLimit: timeLimit,
                                  startObjective: start.metrics.value(of: objective), subproblems: subproblems)
        return ILPOutcome(schedule: Schedule(current.timeline), report: report, provenBound: reported.bound)
    }
}

/// The window search's current schedule, compared by the one comparator (`ScheduleScore`).
public struct Incumbent: Sendable {
    public let evaluation: Evaluation
    public let score: ScheduleScore

    public init(_ problem: Problem, _ evaluation: Evaluation, objective: Objective) {
        self.evaluation = evaluation
        score = ScheduleScore(problem, evaluation, objective: objective)
    }

    public var timeline: Timeline { evaluation.timeline }
    public var value: Double { score.value }
    public var orders: [[Op]] { score.orders }

    public func isBetter(than other: Incumbent) -> Bool { score.isBetter(than: other.score) }

    /// `schedule` as the next incumbent when it simulates, passes the validator and beats this one
    /// (`ScheduleScore`); `nil` otherwise. Both window searches keep a re-solved window through here.
    public func improved(by schedule: Schedule, problem: Problem, objective: Objective) -> Incumbent? {
        guard let evaluation = try? Evaluation(problem, schedule, objective: objective), evaluation.isValid else { return nil }
        let candidate = Incumbent(problem, evaluation, objective: objective)
        return candidate.isBetter(than: self) ? candidate : nil
    }

    /// Per device, the positions of the passes that start between the `position`-th and the
    /// `(position + passes − 1)`-th start of the whole schedule (in time order).
    public func blocks(from position: Int, passes: Int) -> [Range<Int>?] {
        let starts = timeline.flatMap { $0.map(\.start) }.sorted()
        let first = starts[min(position, starts.count - 1)]
        let last = starts[min(position + passes, starts.count) - 1]
        return timeline.map { row in
            guard let low = row.firstIndex(where: { $0.start >= first }),
                  let high = row.lastIndex(where: { $0.start <= last }), low <= high else { return nil }
            return low..<(high + 1)
        }
    }
}
