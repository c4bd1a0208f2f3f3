/// ZB-H2: a longer warm-up (2d+1 forwards on the stage at distance d from the last) so that B and F
/// alternate with no bubble, every W deferred to fill the cool-down.
///
/// Qi et al., "Zero Bubble Pipeline Parallelism", ICLR 2024, handcrafted schedule ZB-H2: zero bubble
/// with unit costs, at up to 2p−1 microbatches of activations freed by B (the shape drawn in the
/// Zero Bubble scheduler, `zb.py`). With costs where W holds memory, the deferred W passes raise the
/// peak further; caps are for the search methods.
public struct ZBH2: ScheduleFamily {
    public let name = "zb-h2"
    public let summary = "ZB-H2 (Qi et al., Zero Bubble PP, ICLR 2024): warm-up of 2d+1 forwards, B/F alternate, W fill the tail; zero bubble with unit costs at 2p−1 microbatches"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireOneStagePerDevice(problem)
        let m = problem.microbatches
        return ordersByStage(problem) { stage in
            let distance = problem.lastStage - stage
            let warmup = min(2 * distance + 1, m)
            var order = (0..<warmup).map { Op.forward(stage, $0) }
            var nextWeight = 0
            for k in 0..<m {
                order.append(.backwardInput(stage, k))
                if warmup + k < m {
                    order.append(.forward(stage, warmup + k))
                } else if nextWeight <= k {
                    order.append(.backwardWeight(stage, nextWeight))
                    nextWeight += 1
                }
            }
            order += (nextWeight..<m).map { Op.backwardWeight(stage, $0) }
            return order
        }
    }
}
