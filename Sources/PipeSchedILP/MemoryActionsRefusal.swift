import PipeSched

/// The exact models that do not choose every memory action refuse problems where a missing one could
/// lower a capped peak: the MILP (`ilp`) chooses recomputation (`OpTable.recompute`) but not
/// offloading; `ilp-window` and `cpsat-window` choose neither; `cpsat` chooses both (`ActionModel`).
/// On such a problem (`Problem.memoryActionsCanLowerPeak`) their optimum would be one over
/// a smaller space than the problem's, so they refuse it, naming what to use instead. Problems whose
/// actions cannot matter (no cap binds them) are solved as usual: there no schedule recomputes.
public enum MemoryActionsRefusal {
    /// Throws `SolveError.doesNotFit` when `problem` has memory actions under a cap.
    public static func check(_ problem: Problem, method: String, choosesRecomputation: Bool = false) throws(SolveError) {
        guard problem.memoryActionsCanLowerPeak else { return }
        if choosesRecomputation && !problem.offloadingCanLowerPeak { return }
        let capped = (0..<problem.stageCount).filter { problem.cap(device: problem.stageDevice[$0]).isFinite }
        let field = capped.lazy.compactMap { stage -> String? in
            let slices = 0..<problem.sequenceSlices
            if !choosesRecomputation, slices.contains(where: { problem.canRecompute(stage: stage, slice: $0) }) { return "stages[\(stage)].recompute" }
            if slices.contains(where: { problem.canOffload(stage: stage, slice: $0) }) { return "stages[\(stage)].offload" }
            return nil
        }.first ?? "stages[].recompute"
        throw .doesNotFit(FamilyError(method: method,
                                      message: "the problem offers memory actions (\(field)) under a memory cap, which this exact model does not cover; use cpsat (which chooses them exactly), greedy, offload, local or auto, or profile with --memory-actions none"))
    }
}
