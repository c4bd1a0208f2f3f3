/// The shape of the memory actions' passes: an `R` only where the stage offers recomputation
/// (`RecomputeCost`), an `O` and an `L` only where it offers offloading (`OffloadCost`), each `O`
/// with its `L` and the other way round, and no cell both recomputed and offloaded. That these
/// passes come after their forward and before their cell's backward is the dependency rule
/// (`Problem.forEachDependency`); the memory they take and free is `Problem.memoryLevels`. The
/// simulator's graph (which refuses such a schedule as malformed, so no search scores it) and the
/// validator both read it from here.
enum MemoryActionCheck {
    /// The issues of the action passes `actions` (each `R`, `O` or `L` of the schedule), `has`
    /// telling whether a pass is in the schedule; messages sorted.
    static func issues(_ problem: Problem, actions: [Op], has: (Op) -> Bool) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for op in actions {
            switch op.kind {
            case .recompute:
                if !problem.canRecompute(stage: op.stage, slice: op.slice) {
                    issues.append(.init(.structure, "\(op) recomputes stage \(op.stage), which offers no recomputation (stages[\(op.stage)].recompute is not set)"))
                }
            case .offload, .reload:
                if !problem.canOffload(stage: op.stage, slice: op.slice) {
                    issues.append(.init(.structure, "\(op) offloads stage \(op.stage), which offers no offloading (stages[\(op.stage)].offload is not set)"))
                    continue
                }
                let partner = Op(op.kind == .offload ? .reload : .offload, stage: op.stage, microbatch: op.microbatch, slice: op.slice)
                if !has(partner) {
                    issues.append(.init(.count, op.kind == .offload ? "\(op) has no reload \(partner): its backward would miss its activations"
                                        : "\(op) reloads what no offload \(partner) moved to the host"))
                }
                if op.kind == .offload, has(Op(.recompute, stage: op.stage, microbatch: op.microbatch, slice: op.slice)) {
                    issues.append(.init(.structure, "stage \(op.stage), microbatch \(op.microbatch) is both recomputed and offloaded; choose one action per cell"))
                }
            case .forward, .backwardInput, .backwardWeight, .backward:
                break
            }
        }
        return issues.sorted { $0.message < $1.message }
    }
}

extension Validator {
    /// `MemoryActionCheck` on the passes counted in `seen`.
    static func memoryActionIssues(_ problem: Problem, _ seen: PassCounts) -> [ValidationIssue] {
        MemoryActionCheck.issues(problem, actions: [OpKind.recompute, .offload, .reload].flatMap { seen.present($0) }) { seen.count($0) > 0 }
    }
}
