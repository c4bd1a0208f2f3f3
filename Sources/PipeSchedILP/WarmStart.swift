import PipeSched

/// The heuristic schedule the exact search starts from: its warm start, its horizon (big-M) and
/// the incumbent it must beat.
///
/// Candidates are the core library's `auto` candidates (families, Zero Bubble's greedy, the greedy
/// grid), each put in the form the ILP uses (`canonical`), then a short local search from the best.
public struct WarmStart: Sendable {
    /// Split B/W passes, microbatches in order within each (stage, kind, slice).
    public let schedule: Schedule
    /// Its simulated, validated evaluation.
    public let evaluation: Evaluation
    /// The method that produced it.
    public let source: String

    /// The schedule's objective value.
    public func value(_ objective: Objective) -> Double { evaluation.metrics.value(of: objective) }

    /// The best valid candidate, or `nil` when no heuristic meets the memory caps.
    public static func best(_ problem: Problem, objective: Objective, localSearchSeconds: Double, seed: UInt64 = 1) -> WarmStart? {
        var best: WarmStart?
        func consider(_ schedule: Schedule, source: String) {
            let canonical = canonical(schedule)
            guard let evaluation = try? Evaluation(problem, canonical, objective: objective), evaluation.isValid else { return }
            let candidate = WarmStart(schedule: canonical, evaluation: evaluation, source: source)
            if let current = best, !candidate.isBetter(than: current, objective) { return }
            best = candidate
        }
        let options = SolveOptions(objective: objective, seed: seed)
        for method in Methods.standard.autoCandidates where method.fits(problem) {
            if let schedule = try? method.schedule(problem, options: options) { consider(schedule, source: method.name) }
        }
        if let start = best, localSearchSeconds > 0 {
            let search = LocalSearch(problem: problem, objective: objective, timeLimit: localSearchSeconds, seed: seed)
            consider(search.improve(start.schedule).schedule, source: "local(\(start.source))")
        }
        return best
    }

    /// Lower objective, then lower makespan, then lower peak memory.
    func isBetter(than other: WarmStart, _ objective: Objective) -> Bool {
        let mine = evaluation.metrics, theirs = other.evaluation.metrics
        let keys = [(mine.value(of: objective), theirs.value(of: objective)), (mine.makespan, theirs.makespan),
                    (mine.peakMemory.max() ?? 0, theirs.peakMemory.max() ?? 0)]
        for (a, b) in keys {
            let tolerance = 1e-9 * max(1, abs(b))
            if a < b - tolerance { return true }
            if a > b + tolerance { return false }
        }
        return false
    }

    /// `schedule` in the ILP's form: each fused `BW` becomes `B` immediately followed by `W`, and
    /// within each (stage, kind, slice) the microbatch labels are handed out in execution order.
    /// Costs and memory deltas do not depend on the microbatch, so device timelines and memory are
    /// unchanged and dependencies stay satisfiable (`docs/ilp-formulation.md`, symmetry breaking).
    public static func canonical(_ schedule: Schedule) -> Schedule {
        struct Class: Hashable { var kind: OpKind; var stage: Int; var slice: Int }
        var next: [Class: Int] = [:]
        return Schedule(orders: schedule.orders.map { order in
            order.flatMap { op -> [Op] in
                op.kind == .backward
                    ? [.backwardInput(op.stage, op.microbatch, slice: op.slice), .backwardWeight(op.stage, op.microbatch, slice: op.slice)]
                    : [op]
            }.map { op in
                let key = Class(kind: op.kind, stage: op.stage, slice: op.slice)
                let label = next[key, default: 0]
                next[key] = label + 1
                return Op(op.kind, stage: op.stage, microbatch: label, slice: op.slice)
            }
        })
    }
}
