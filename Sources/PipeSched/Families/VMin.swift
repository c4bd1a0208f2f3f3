/// V-Min: the V-shape building block with the shortest lifespan, about a third of 1F1B's activation
/// memory, repeated, squeezed and filled with W passes.
///
/// Qi, Wan, Amar, Lin, "Pipeline Parallelism with Controllable Memory", NeurIPS 2024: peak
/// ⌊(p+4)/3⌋ microbatches of activations (1F1B holds p) and a bubble rate of about 2p/(3m) with
/// T_F = T_B = T_W. The block is `stable_pattern_v_min` of `zbv_greedy.py` in
/// sail-sg/zero-bubble-pipeline-parallelism; the orders come from `VPattern` with unit costs.
public struct VMin: ScheduleFamily {
    public let name = "v-min"
    public let summary = "V-Min (Qi et al., Pipeline Parallelism with Controllable Memory, NeurIPS 2024): V placement, split B/W, about a third of 1F1B's activation memory"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireVShape(problem)
        return VPattern.orders(block: Self.block(devices: problem.devices), problem: problem)
    }

    /// Slots of F, f, B, b of one microbatch on each device, in a period of 6 slots.
    static func block(devices p: Int) -> [[Int]] {
        let interval = p % 3 == 0 ? 2 : 0
        return (0..<p).map { i in [i, 2 * p - i - 1, 2 * p + interval + i, 4 * p + interval - i - 1] }
    }
}
