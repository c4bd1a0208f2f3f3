/// GPipe: every microbatch forward, then every microbatch backward (fused BW).
///
/// Huang et al., "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism",
/// NeurIPS 2019. Peak activation memory is all `m` microbatches. With sequence slices every slice is a
/// unit: forwards slice by slice, backwards with each microbatch's slices in reverse.
public struct GPipe: ScheduleFamily {
    public let name = "gpipe"
    public let summary = "GPipe (Huang et al., 2019): all forwards, then all fused backwards; m microbatches of memory"
    public let torchClass: String? = "ScheduleGPipe"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireOneStagePerDevice(problem, allowingSlices: true)
        let units = problem.microbatches * problem.sequenceSlices
        return ordersByStage(problem) { stage in
            (0..<units).map { k in let u = forwardUnit(k, problem); return Op.forward(stage, u.microbatch, slice: u.slice) }
                + (0..<units).map { k in let u = backwardUnit(k, problem); return Op.backward(stage, u.microbatch, slice: u.slice) }
        }
    }
}
