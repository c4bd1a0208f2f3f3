import CPSAT
import PipeSched
import PipeSchedILP

/// `cpsat`: the whole problem as one CP-SAT model (`ScheduleModel`), started from the best
/// heuristic schedule (solution hint, and the ceiling of the objective), with the core's lower
/// bound as a constraint. The written schedule is the solver's order simulated in real numbers, or
/// the heuristic's when that is better; the bound is CP-SAT's where the model covers every schedule
/// and the core's otherwise; "optimal" is claimed only when the gap between them closes. The
/// heuristic leaves out the candidates in `excluding` (`auto`'s `SolveOptions.excludedCandidates`);
/// `from` replaces the heuristic start (`auto`'s anytime phase, `CPSATImprover`).
public enum CPSATSearch {
    /// Split passes per device up to which the device's memory reservoir is expanded into
    /// precedence literals (`CPParameters.expandReservoirs`): between the 12 where expansion was
    /// measured faster and the 72 where it was measured far slower.
    static let largestExpandedReservoir = 32
    /// Split passes per device up to which a placement with several stages on a device first tries
    /// the expanded reservoirs for `expandedShare` of the time, then the unexpanded ones with the
    /// rest (docs/cpsat.md, "Devices holding several stages try both forms"): on V problems neither
    /// form dominates.
    static let largestExpandedFirst = 128
    static let expandedShare = 1.0 / 3

    /// One solve of the model: whether the device reservoirs are expanded, and the share of the time
    /// left it gets (the last phase gets the rest).
    struct ReservoirPhase: Equatable {
        var expand: Bool
        var share: Double
    }

    /// The solves `cpsat` runs on `problem`, in order (see `largestExpandedReservoir` and
    /// `largestExpandedFirst`); each later one starts from the best solution of the earlier ones.
    static func phases(for problem: Problem) -> [ReservoirPhase] {
        // Large device reservoirs stay unexpanded: expanded, they cost a literal per pair of a
        // device's passes. Measured (docs/cpsat.md): on the V problem p=16, m=64 capped at 2p (384
        // passes per device) presolve then took the whole 60 s and 2,085 MiB, against 4.7 s and
        // 988 MiB; p=8, m=24 capped at 1p (72 per device) is proven in 10-21 s instead of not in
        // 60 s, and p=8, m=64 in 8 s instead of 57 s. Small ones are expanded, as OR-Tools does by
        // default: the tiny problems of MicrobatchScaleExactTests (at most 12 passes per device)
        // took about 45 s to prove unexpanded against 2 s expanded. Devices holding several stages
        // (V, interleaved) with up to 128 passes try both, expanded first: each form proves V
        // problems of p=2, m=16 the other does not within 60 s.
        let passesPerDevice = (problem.deviceStages.map(\.count).max() ?? 0) * problem.microbatches * problem.sequenceSlices * 3
        if passesPerDevice <= largestExpandedReservoir { return [ReservoirPhase(expand: true, share: 1)] }
        if problem.devicesHoldSeveralStages && passesPerDevice <= largestExpandedFirst {
            return [ReservoirPhase(expand: true, share: expandedShare), ReservoirPhase(expand: false, share: 1)]
        }
        return [ReservoirPhase(expand: false, share: 1)]
    }

    public static func solve(_ problem: Problem, objective: Objective, settings: CPSATSettings, timeLimit: Double,
                             method: String = "cpsat", seed: UInt64 = 1, excluding: Set<String> = [],
                             shouldStop: (@Sendable () -> Bool)? = nil, onIncumbent: (@Sendable (Double) -> Void)? = nil,
                             from given: WarmStart? = nil) throws(SolveError) -> MethodOutput {
        try solve(problem, objective: objective, settings: settings, timeLimit: timeLimit, method: method, seed: seed, excluding: excluding,
                  phases: phases(for: problem), shouldStop: shouldStop, onIncumbent: onIncumbent, from: given)
    }

    /// `solve` with the given phases (tests choose them).
    static func solve(_ problem: Problem, objective: Objective, settings: CPSATSettings, timeLimit: Double, method: String, seed: UInt64,
                      excluding: Set<String>, phases: [ReservoirPhase], shouldStop: (@Sendable () -> Bool)?,
                      onIncumbent: (@Sendable (Double) -> Void)?, from given: WarmStart? = nil) throws(SolveError) -> MethodOutput {
        let began = ContinuousClock.now
        func elapsed() -> Double { ILPSearch.seconds(ContinuousClock.now - began) }
        guard CPSATSolver.isAvailable else { throw .solverFailed(method: method, message: CPSATError.notInstalled.description) }
        let lowerBound = LowerBound.value(problem, objective: objective)
        let warm = given ?? WarmStart.best(problem, objective: objective, localSearchSeconds: min(1, 0.05 * timeLimit), seed: seed,
                                           excluding: excluding)
        var best = warm.map { (schedule: Schedule($0.incumbent.timeline), value: $0.value(objective)) }
        if let best { onIncumbent?(best.value) }
        // The model chooses fused backward passes and memory actions itself (`ActionModel`), but not
        // overlapped F&B pairs.
        let coversEverySchedule = problem.exactModelCovers(recomputation: true, offloading: true, fusedBackward: true)

        func output(status: String, bound: Double, branches: Int) throws(SolveError) -> MethodOutput {
            guard let best else {
                throw .noScheduleWithinTimeLimit(method: method, seconds: timeLimit, smallestCap: nil)
            }
            let reported = ILPSettings.reported(value: best.value, bound: max(bound, lowerBound))
            let closed = reported.gap <= settings.relativeGap
            let report = SolverReport(name: CPSATSolver.name, status: closed ? "optimal" : status, objective: best.value,
                                      bestBound: reported.bound, gap: reported.gap, nodes: branches, seconds: elapsed(),
                                      timeLimit: timeLimit, startObjective: warm?.value(objective))
            return MethodOutput(schedule: best.schedule, solver: report, provenBound: reported.bound)
        }
        if let best, LowerBound.isMet(by: best.value, bound: lowerBound) { return try output(status: "optimal", bound: lowerBound, branches: 0) }

        let table = OpTable(problem)
        let ceiling = warm.map { max($0.value(objective), $0.start?.metrics.value(of: objective) ?? 0) }
            ?? table.duration.reduce(0, +) + Double(table.count) * problem.maxLag
        let built = ScheduleModel(problem: problem, objective: objective, table: table, lowerBound: lowerBound, ceiling: ceiling,
                                  hint: warm?.start?.timeline)
        var model = built.model
        var provenBound = lowerBound
        var branches = 0
        var response: CPResponse?
        for (index, phase) in phases.enumerated() {
            if index > 0, shouldStop?() == true { break }
            let left = timeLimit - elapsed()
            guard index == 0 || left > 0.1 else { break }
            let parameters = CPParameters(timeLimit: max(0.1, left * phase.share), workers: settings.workers, seed: Int(seed % 1_000_000),
                                          relativeGap: settings.relativeGap, verbose: settings.verbose, expandReservoirs: phase.expand)
            let phaseResponse: CPResponse
            do { phaseResponse = try CPSATSolver.solve(model, parameters: parameters, shouldStop: shouldStop) } catch {
                throw .solverFailed(method: method, message: error.description)
            }
            response = phaseResponse
            branches += Int(clamping: phaseResponse.branches)
            if phaseResponse.hasSolution {
                model.hint = phaseResponse.solution.enumerated().map { ($0.offset, $0.element) }
                if let evaluation = try? Evaluation(problem, built.schedule(from: phaseResponse.solution), objective: objective), evaluation.isValid {
                    let value = evaluation.metrics.value(of: objective)
                    if best == nil || value < best!.value - 1e-9 * max(1, value) {
                        best = (Schedule(evaluation.timeline), value)
                        onIncumbent?(value)
                    }
                }
            }
            if coversEverySchedule, phaseResponse.status == .optimal || phaseResponse.status == .feasible {
                let proven = phaseResponse.status == .optimal ? phaseResponse.objectiveValue : phaseResponse.bestObjectiveBound
                provenBound = max(provenBound, built.realBound(proven))
            }
            // Proven, or nothing more to learn: the later phases would only repeat it.
            if phaseResponse.status != .feasible && phaseResponse.status != .unknown { break }
            if let best, LowerBound.isMet(by: best.value, bound: provenBound) { break }
        }
        guard let response else { return try output(status: "feasible", bound: provenBound, branches: branches) }
        switch response.status {
        case .optimal, .feasible, .unknown:
            return try output(status: "feasible", bound: provenBound, branches: branches)
        case .infeasible:
            // No split schedule in microbatch order reaches the ceiling or better: with a known
            // schedule at the ceiling this cannot happen; without one, no split schedule meets the caps.
            if best != nil { return try output(status: "feasible", bound: provenBound, branches: branches) }
            if coversEverySchedule { throw ILPSearch.infeasible(problem, objective: objective, method: method) }
            throw .noScheduleWithinTimeLimit(method: method, seconds: timeLimit, smallestCap: nil)
        case .modelInvalid:
            throw .solverFailed(method: method, message: "OR-Tools rejected the model: \(response.info)")
        }
    }
}
