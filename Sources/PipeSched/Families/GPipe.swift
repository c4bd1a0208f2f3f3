/// GPipe: every microbatch forward, then every microbatch backward (fused BW).
///
/// Huang et al., "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism",
/// NeurIPS 2019. Peak activation memory is all `m` microbatches.
public struct GPipe: ScheduleFamily {
    public let name = "gpipe"
    public let summary = "GPipe (Huang et al., 2019): all forwards, then all fused backwards; m microbatches of memory"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireOneStagePerDevice(problem)
        let m = problem.microbatches
        return ordersByStage(problem) { stage in
            (0..<m).map { Op.forward(stage, $0) } + (0..<m).map { Op.backward(stage, $0) }
        }
    }
}
