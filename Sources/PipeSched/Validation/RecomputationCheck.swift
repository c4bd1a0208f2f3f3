extension Validator {
    /// Issues of the recomputation passes: an `R` only where the stage offers recomputation
    /// (`RecomputeCost`). That `R` comes after its forward and before its cell's backward is the
    /// dependency rule (`Problem.forEachDependency`); the memory it and the recomputed forward take is
    /// `Problem.memoryLevels`.
    static func recomputationIssues(_ problem: Problem, _ seen: PassCounts) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for op in seen.present(.recompute) where !problem.canRecompute(stage: op.stage, slice: op.slice) {
            issues.append(.init(.structure, "\(op) recomputes stage \(op.stage), which offers no recomputation (stages[\(op.stage)].recompute is not set)"))
        }
        return issues.sorted { $0.message < $1.message }
    }
}
