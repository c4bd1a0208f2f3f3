/// ZB-H1: 1F1B with the backward split into B and W, each W delayed so the peak memory stays at
/// 1F1B's while the W passes fill the cool-down bubble.
///
/// Qi et al., "Zero Bubble Pipeline Parallelism", ICLR 2024, handcrafted schedule ZB-H1. With unit
/// costs the bubble is (p−1)(F+B−W). Stage `s` warms up with one forward per later stage, like 1F1B,
/// and delays each W by `s` 1F1B steps, as PyTorch's `ScheduleInterleavedZeroBubble` does with one
/// stage per rank: the last stages hold W back so the first stages' W passes fill the cool-down.
public struct ZBH1: ScheduleFamily {
    public let name = "zb-h1"
    public let summary = "ZB-H1 (Qi et al., Zero Bubble PP, ICLR 2024): 1F1B with split B/W, W delayed to fill the cool-down; 1F1B memory"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireOneStagePerDevice(problem)
        let m = problem.microbatches
        return ordersByStage(problem) { stage in
            let warmup = min(problem.lastStage - stage, m)
            var order = (0..<warmup).map { Op.forward(stage, $0) }
            var nextWeight = 0
            for k in 0..<m {
                if warmup + k < m { order.append(.forward(stage, warmup + k)) }
                order.append(.backwardInput(stage, k))
                if k >= stage {
                    order.append(.backwardWeight(stage, nextWeight))
                    nextWeight += 1
                }
            }
            order += (nextWeight..<m).map { Op.backwardWeight(stage, $0) }
            return order
        }
    }
}
