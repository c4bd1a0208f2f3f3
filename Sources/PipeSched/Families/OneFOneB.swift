/// 1F1B: a warm-up of forwards, then one forward and one fused backward in turn.
///
/// PipeDream-Flush (Narayanan et al., "Memory-Efficient Pipeline-Parallel DNN Training", ICML 2021)
/// and DAPPLE (Fan et al., PPoPP 2021). With unit costs the bubble is (p−1)(F+B+W) and the first
/// device holds p microbatches.
public struct OneFOneB: ScheduleFamily {
    public let name = "1f1b"
    public let summary = "1F1B (PipeDream-Flush, Narayanan et al. 2021; DAPPLE, Fan et al. 2021): warm-up forwards, then alternate F and fused BW"
    public let torchClass: String? = "Schedule1F1B"

    public init() {}

    /// PyTorch's class needs at least as many microbatches as stages.
    public func torchClass(for problem: Problem) -> String? {
        problem.sequenceSlices == 1 && problem.microbatches >= problem.stageCount ? torchClass : nil
    }

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        guard problem.sequenceSlices == 1 else {
            throw FamilyError(method: name, message: "1F1B over sequence slices is Seq1F1B (its warm-up has p − s − 2 + k units; 1F1B's would deadlock); use the seq1f1b method")
        }
        try requireOneStagePerDevice(problem)
        let m = problem.microbatches
        return ordersByStage(problem) { stage in
            let warmup = min(problem.lastStage - stage, m)
            var order = (0..<warmup).map { Op.forward(stage, $0) }
            for k in 0..<m {
                if warmup + k < m { order.append(.forward(stage, warmup + k)) }
                order.append(.backward(stage, k))
            }
            return order
        }
    }
}
