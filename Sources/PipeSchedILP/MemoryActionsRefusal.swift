import PipeSched

/// The exact models (MILP and CP-SAT) have no recomputation passes: on a problem where recomputing
/// could lower a capped peak (`Problem.memoryActionsCanLowerPeak`) their optimum would be one over
/// a smaller space than the problem's, so they refuse it, naming what to use instead. Problems whose
/// actions cannot matter (no cap binds them) are solved as usual: there no schedule recomputes.
public enum MemoryActionsRefusal {
    /// Throws `SolveError.doesNotFit` when `problem` has memory actions under a cap.
    public static func check(_ problem: Problem, method: String) throws(SolveError) {
        guard problem.memoryActionsCanLowerPeak else { return }
        let stage = (0..<problem.stageCount).first { stage in (0..<problem.sequenceSlices).contains { problem.canRecompute(stage: stage, slice: $0) } } ?? 0
        throw .doesNotFit(FamilyError(method: method,
                                      message: "the problem offers recomputation (stages[\(stage)].recompute) under a memory cap, which the exact model does not cover; use greedy, local or auto, which choose it per stage and microbatch, or profile with --memory-actions none"))
    }
}
