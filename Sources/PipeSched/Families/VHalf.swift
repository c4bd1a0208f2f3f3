/// V-Half: the V-shape building block whose lifespan gives about half of 1F1B's activation memory,
/// repeated, squeezed and filled with W passes.
///
/// Qi, Wan, Amar, Lin, "Pipeline Parallelism with Controllable Memory", NeurIPS 2024: peak
/// ⌊(p+2)/2⌋ microbatches of activations (1F1B holds p) and a bubble rate of about p/(2m) with
/// T_F = T_B = T_W. The block is `stable_pattern_v_half` of `zbv_greedy.py` in
/// sail-sg/zero-bubble-pipeline-parallelism; the orders come from `VPattern` with unit costs.
public struct VHalf: ScheduleFamily {
    public let name = "v-half"
    public let summary = "V-Half (Qi et al., Pipeline Parallelism with Controllable Memory, NeurIPS 2024): V placement, split B/W, about half of 1F1B's activation memory"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireVShape(problem)
        return VPattern.orders(block: Self.block(devices: problem.devices), problem: problem)
    }

    /// Slots of F, f, B, b of one microbatch on each device, in a period of 6 slots.
    static func block(devices p: Int) -> [[Int]] {
        let interval = p % 2 == 0 ? 3 : 0
        return (0..<p).map { i in [2 * i, 3 * p - i - 2, 3 * p + interval + 2 * i - 1, 6 * p + interval - i - 2] }
    }
}
