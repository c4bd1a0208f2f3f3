import PipeSched

/// What the exact search starts from: the best heuristic schedule (`auto` over the core library's
/// methods, local search included), and that schedule in the ILP's form as its warm start, horizon
/// (big-M) and the incumbent it must beat.
///
/// The ILP models split `B`/`W` passes only. Where a fused `BW` lowers peak memory (some `B`
/// allocates under a cap), the best heuristic may fuse, and its split form may break the cap: the
/// warm start is then the best split schedule of the greedy search, and `incumbent` stays the
/// result to beat, whatever the ILP finds.
public struct WarmStart: Sendable {
    /// The best valid heuristic schedule, as found (fused `BW` passes kept).
    public let incumbent: Evaluation
    /// The method that produced `incumbent`.
    public let source: String
    /// A valid schedule in the ILP's form (`canonical`): split `B`/`W`, microbatches in order within
    /// each (stage, kind, slice); `nil` when no heuristic finds a split schedule within the caps.
    public let start: Evaluation?

    /// The incumbent's objective value.
    public func value(_ objective: Objective) -> Double { incumbent.metrics.value(of: objective) }

    /// The best heuristic schedule, or `nil` when no heuristic meets the memory caps. `excluding`
    /// leaves candidates out, as `auto` does with its `SolveOptions.excludedCandidates`, so an `auto`
    /// told to leave a candidate out does not meet it again in its exact candidate's warm start.
    public static func best(_ problem: Problem, objective: Objective, localSearchSeconds: Double, seed: UInt64 = 1,
                            excluding: Set<String> = []) -> WarmStart? {
        let options = SolveOptions(objective: objective, timeLimit: localSearchSeconds, seed: seed, excludedCandidates: excluding)
        let report = AutoSearch.run(problem, options: options, methods: Methods.standard.autoCandidates)
        guard let best = report.best else { return nil }
        return from(problem, best, objective: objective, source: report.bestMethod ?? "auto")
    }

    /// The warm start from a given schedule (`auto`'s best, for the anytime phase), or `nil` when it
    /// is not valid.
    public static func from(_ problem: Problem, _ schedule: Schedule, objective: Objective, source: String) -> WarmStart? {
        guard let incumbent = valid(problem, schedule, objective: objective) else { return nil }
        var start = valid(problem, canonical(schedule, relabel: !problem.costsVaryByMicrobatch), objective: objective)
        if start == nil, let split = GreedySearch.best(problem, objective: objective, policies: GreedyPolicy.grid(for: problem, fusing: false)) {
            start = valid(problem, canonical(split.schedule, relabel: !problem.costsVaryByMicrobatch), objective: objective)
        }
        return WarmStart(incumbent: incumbent, source: source, start: start)
    }

    private static func valid(_ problem: Problem, _ schedule: Schedule, objective: Objective) -> Evaluation? {
        guard let evaluation = try? Evaluation(problem, schedule, objective: objective), evaluation.isValid else { return nil }
        return evaluation
    }

    /// `schedule` in the ILP's form: each fused `BW` becomes `B` immediately followed by `W`, and
    /// with `relabel`, within each (stage, kind, slice) the microbatch labels are handed out in
    /// execution order. When costs and memory deltas do not depend on the microbatch
    /// (`Problem.costsVaryByMicrobatch`), device timelines are unchanged and dependencies stay
    /// satisfiable (`docs/ilp-formulation.md`, symmetry breaking); memory is unchanged too unless a
    /// split `B` allocates.
    public static func canonical(_ schedule: Schedule, relabel: Bool = true) -> Schedule {
        struct Class: Hashable { var kind: OpKind; var stage: Int; var slice: Int }
        var next: [Class: Int] = [:]
        return Schedule(orders: schedule.orders.map { order in
            order.flatMap { op -> [Op] in
                op.kind == .backward
                    ? [.backwardInput(op.stage, op.microbatch, slice: op.slice), .backwardWeight(op.stage, op.microbatch, slice: op.slice)]
                    : [op]
            }.map { op in
                guard relabel else { return op }
                let key = Class(kind: op.kind, stage: op.stage, slice: op.slice)
                let label = next[key, default: 0]
                next[key] = label + 1
                return Op(op.kind, stage: op.stage, microbatch: label, slice: op.slice)
            }
        })
    }
}
