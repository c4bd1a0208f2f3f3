/// ZB-H1: 1F1B with the backward split into B and W, each W delayed so the peak memory stays at
/// 1F1B's while the W passes fill the cool-down bubble.
///
/// Qi et al., "Zero Bubble Pipeline Parallelism", ICLR 2024, handcrafted schedule ZB-H1. With unit
/// costs the bubble is (p−1)(F+B−W). Stage `s` warms up with one forward per later stage, like 1F1B,
/// and delays each W by `s` 1F1B steps, as PyTorch's `ScheduleInterleavedZeroBubble` does with one
/// stage per rank: the last stages hold W back so the first stages' W passes fill the cool-down.
///
/// With sequence slices every (microbatch, slice) is a unit, as in Seq1F1B (Sun et al., arXiv
/// 2406.03488): the warm-up is Seq1F1B's `p − s − 2 + k` units (1F1B's `p − s − 1` when k = 1),
/// backwards take each microbatch's slices in reverse, and each W is delayed by `s` units.
public struct ZBH1: ScheduleFamily {
    public let name = "zb-h1"
    public let summary = "ZB-H1 (Qi et al., Zero Bubble PP, ICLR 2024): 1F1B with split B/W, W delayed to fill the cool-down; 1F1B memory"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireOneStagePerDevice(problem, allowingSlices: true)
        let units = problem.microbatches * problem.sequenceSlices
        return ordersByStage(problem) { stage in
            func op(_ kind: OpKind, _ unit: (microbatch: Int, slice: Int)) -> Op { Op(kind, stage: stage, microbatch: unit.microbatch, slice: unit.slice) }
            let warmup = min(problem.lastStage - stage - 1 + problem.sequenceSlices, units)
            var order = (0..<warmup).map { op(.forward, forwardUnit($0, problem)) }
            var nextWeight = 0
            for k in 0..<units {
                if warmup + k < units { order.append(op(.forward, forwardUnit(warmup + k, problem))) }
                order.append(op(.backwardInput, backwardUnit(k, problem)))
                if k >= stage {
                    order.append(op(.backwardWeight, backwardUnit(nextWeight, problem)))
                    nextWeight += 1
                }
            }
            order += (nextWeight..<units).map { op(.backwardWeight, backwardUnit($0, problem)) }
            return order
        }
    }
}
