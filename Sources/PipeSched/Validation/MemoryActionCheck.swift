extension Validator {
    /// Issues of the memory actions' passes: an `R` only where the stage offers recomputation
    /// (`RecomputeCost`), an `O` and an `L` only where it offers offloading (`OffloadCost`), each `O`
    /// with its `L` and the other way round, and no cell both recomputed and offloaded. That these
    /// passes come after their forward and before their cell's backward is the dependency rule
    /// (`Problem.forEachDependency`); the memory they take and free is `Problem.memoryLevels`.
    static func memoryActionIssues(_ problem: Problem, _ seen: PassCounts) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for op in seen.present(.recompute) where !problem.canRecompute(stage: op.stage, slice: op.slice) {
            issues.append(.init(.structure, "\(op) recomputes stage \(op.stage), which offers no recomputation (stages[\(op.stage)].recompute is not set)"))
        }
        for kind in [OpKind.offload, .reload] {
            let other: OpKind = kind == .offload ? .reload : .offload
            for op in seen.present(kind) {
                if !problem.canOffload(stage: op.stage, slice: op.slice) {
                    issues.append(.init(.structure, "\(op) offloads stage \(op.stage), which offers no offloading (stages[\(op.stage)].offload is not set)"))
                    continue
                }
                let partner = Op(other, stage: op.stage, microbatch: op.microbatch, slice: op.slice)
                if seen.count(partner) == 0 {
                    issues.append(.init(.count, kind == .offload ? "\(op) has no reload \(partner): its backward would miss its activations"
                                        : "\(op) reloads what no offload \(partner) moved to the host"))
                }
                if kind == .offload, seen.count(Op(.recompute, stage: op.stage, microbatch: op.microbatch, slice: op.slice)) > 0 {
                    issues.append(.init(.structure, "stage \(op.stage), microbatch \(op.microbatch) is both recomputed and offloaded; choose one action per cell"))
                }
            }
        }
        return issues.sorted { $0.message < $1.message }
    }
}
