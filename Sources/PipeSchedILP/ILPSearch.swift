import Foundation
import LinearProgramming
import PipeSched

/// The result of an exact search: the best schedule found and what the solver proved.
public struct ILPOutcome: Sendable {
    /// The best schedule (the solver's, or the warm start when the solver did not beat it).
    public var schedule: Schedule
    /// Status, objective, bound and gap, as written to the schedule JSON.
    public var report: SolverReport
    /// A lower bound on every schedule's objective (for `metrics.lowerBound`).
    public var provenBound: Double

    /// The same outcome for another schedule of objective `value` (a better one found elsewhere):
    /// objective, gap and status follow, the proven bound stays.
    func replacing(_ schedule: Schedule, value: Double, relativeGap: Double) -> ILPOutcome {
        var result = self
        let reported = ILPSettings.reported(value: value, bound: provenBound)
        result.schedule = schedule
        result.report.objective = value
        result.report.gap = reported.gap
        result.report.bestBound = reported.bound
        result.report.status = reported.gap <= relativeGap ? "optimal" : "feasible"
        result.provenBound = reported.bound
        return result
    }
}

/// The full ILP: warm start from the best heuristic, big-M and time windows from its value, the
/// lower-bound cut, one solve within the time limit. The schedule is measured by simulation, and
/// never worse than the warm start.
public enum ILPSearch {
    /// Solves `problem` exactly (or until `timeLimit` seconds have passed), warm-started without the
    /// candidates in `excluding` (`auto`'s `SolveOptions.excludedCandidates`).
    /// - Throws: `SolveError.noScheduleFitsCap` when the solver proves that no schedule meets the
    ///   memory caps, `.noScheduleWithinTimeLimit` when it found none in time, `.solverFailed`.
    public static func solve(_ problem: Problem, objective: Objective, settings: ILPSettings, timeLimit: Double,
                             method: String = "ilp", seed: UInt64 = 1, excluding: Set<String> = []) throws(SolveError) -> ILPOutcome {
        let began = ContinuousClock.now
        func elapsed() -> Double { seconds(ContinuousClock.now - began) }
        let solver = settings.solver.makeSolver()
        try MemoryActionsRefusal.check(problem, method: method, choosesRecomputation: true)
        let frame = ProblemFrame(problem, objective: objective, recomputation: true)
        let warm = WarmStart.best(problem, objective: objective, localSearchSeconds: min(1, 0.05 * timeLimit), seed: seed,
                                  excluding: excluding)
        let lowerBound = frame.lowerBound
        let horizon = warm?.start?.metrics.value(of: objective) ?? frame.trivialHorizon

        /// The bound the solver proved counts only when the model covers every schedule
        /// (`ProblemFrame.modelCoversEverySchedule`); otherwise the core's bound is what is proven.
        func outcome(_ schedule: Schedule, value: Double, status: String, bound: Double?, nodes: Int) -> ILPOutcome {
            let proven = frame.modelCoversEverySchedule ? max(bound ?? lowerBound, lowerBound) : lowerBound
            let reported = ILPSettings.reported(value: value, bound: proven)
            let closed = reported.gap <= settings.relativeGap
            let report = SolverReport(name: solver.name, status: closed ? "optimal" : (status == "optimal" ? "feasible" : status),
                                      objective: value, bestBound: reported.bound, gap: reported.gap, nodes: nodes, seconds: elapsed(),
                                      timeLimit: timeLimit, startObjective: warm?.value(objective))
            return ILPOutcome(schedule: schedule, report: report, provenBound: reported.bound)
        }

        // The heuristic incumbent, fused passes kept: the result whenever the solver does not beat it.
        let incumbent = warm.map { (schedule: Schedule($0.incumbent.timeline), value: $0.value(objective)) }
        if let incumbent, LowerBound.isMet(by: incumbent.value, bound: lowerBound) {
            return outcome(incumbent.schedule, value: incumbent.value, status: "optimal", bound: lowerBound, nodes: 0)
        }
        var graph = frame.baseGraph
        let tolerance = 1e-6 * max(1, horizon)
        let loads = frame.deviceLoads
        guard let windows = TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon),
                                                loads: loads, tolerance: tolerance) else {
            if let incumbent { return outcome(incumbent.schedule, value: incumbent.value, status: "feasible", bound: lowerBound, nodes: 0) }
            throw infeasible(problem, objective: objective, method: method)
        }
        let formulation = ScheduleFormulation(problem: problem, objective: objective, graph: graph, anchors: frame.anchors,
                                              loads: loads, windows: windows, horizon: horizon, lowerBound: lowerBound)
        guard formulation.isFeasible else { throw infeasible(problem, objective: objective, method: method) }
        let start = warm?.start.flatMap { formulation.values(for: $0.timeline) }
            .flatMap { formulation.model.maximumViolation(at: $0) <= 1e-6 ? $0 : nil }

        let result: MILPResult
        do {
            // At least a second: CBC 2.10.8 crashes when its limit expires inside the root LP (see WindowSearch).
            let budget = max(WindowSearch.minimumSolveSeconds, timeLimit - elapsed())
            result = try solver.solve(formulation.model, options: settings.options(timeLimit: budget, start: start))
        } catch {
            throw .solverFailed(method: method, message: "\(error)")
        }
        var best = incumbent
        if result.hasSolution, let evaluation = try? Evaluation(problem, formulation.schedule(from: result.values), objective: objective),
           evaluation.isValid {
            let value = evaluation.metrics.value(of: objective)
            if best == nil || value < best!.value - 1e-9 * max(1, value) { best = (Schedule(evaluation.timeline), value) }
        }
        switch result.status {
        case .optimal, .feasible, .noSolution:
            guard let best else {
                throw .noScheduleWithinTimeLimit(method: method, seconds: timeLimit, smallestCap: smallestCap(problem, objective: objective))
            }
            let bound = ILPSettings.provenBound(of: result, requestedGap: max(settings.relativeGap, 1e-7))
            return outcome(best.schedule, value: best.value, status: "feasible", bound: bound ?? lowerBound, nodes: result.nodes)
        case .infeasible:
            // With a warm start the model contains a known solution, so "infeasible" can only be a
            // numerical artefact: keep the warm start.
            if let best { return outcome(best.schedule, value: best.value, status: "feasible", bound: lowerBound, nodes: result.nodes) }
            throw infeasible(problem, objective: objective, method: method)
        case .unbounded, .error:
            if let best { return outcome(best.schedule, value: best.value, status: "feasible", bound: lowerBound, nodes: result.nodes) }
            throw .solverFailed(method: method, message: result.message ?? result.status.rawValue)
        }
    }

    /// No schedule meets the caps; the smallest cap at which the greedy search finds one, when cheap.
    public static func infeasible(_ problem: Problem, objective: Objective, method: String) -> SolveError {
        .noScheduleFitsCap(method: method, smallestCap: smallestCap(problem, objective: objective))
    }

    /// `CapSearch.smallestUniformCap` for problems small enough that its greedy binary search is quick.
    static func smallestCap(_ problem: Problem, objective: Objective) -> Double? {
        guard problem.stageCount * problem.microbatches * problem.sequenceSlices <= 512 else { return nil }
        return CapSearch.smallestUniformCap(problem, objective: objective)
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
