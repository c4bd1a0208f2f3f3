import PipeSched

/// The MILP and the CP-SAT window model have no recomputation, offload or reload passes (the
/// whole-problem CP-SAT model has them, `ActionModel`): on a problem where such an action could
/// lower a capped peak (`Problem.memoryActionsCanLowerPeak`) their optimum would be one over
/// a smaller space than the problem's, so they refuse it, naming what to use instead. Problems whose
/// actions cannot matter (no cap binds them) are solved as usual: there no schedule recomputes.
public enum MemoryActionsRefusal {
    /// Throws `SolveError.doesNotFit` when `problem` has memory actions under a cap.
    public static func check(_ problem: Problem, method: String) throws(SolveError) {
        guard problem.memoryActionsCanLowerPeak else { return }
        let capped = (0..<problem.stageCount).filter { problem.cap(device: problem.stageDevice[$0]).isFinite }
        let field = capped.lazy.compactMap { stage -> String? in
            let slices = 0..<problem.sequenceSlices
            if slices.contains(where: { problem.canRecompute(stage: stage, slice: $0) }) { return "stages[\(stage)].recompute" }
            if slices.contains(where: { problem.canOffload(stage: stage, slice: $0) }) { return "stages[\(stage)].offload" }
            return nil
        }.first ?? "stages[].recompute"
        throw .doesNotFit(FamilyError(method: method,
                                      message: "the problem offers memory actions (\(field)) under a memory cap, which this exact model does not cover; use cpsat (which chooses them exactly), greedy, offload, local or auto, or profile with --memory-actions none"))
    }
}
