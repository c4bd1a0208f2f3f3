/// PyTorch's `ScheduleInterleavedZeroBubble` (`torch.distributed.pipelining.schedules`, as of 2.13):
/// Zero Bubble's ZB1P (Qi et al., "Zero Bubble Pipeline Parallelism", ICLR 2024) on the interleaved
/// (loop) placement, the schedule torchtitan users pick for interleaved zero-bubble runs.
///
/// The per-device order of `_calculate_single_rank_operations` and `_get_1f1b_rank_ops` with
/// `enable_zero_bubble`: microbatches in rounds of `m / max(1, m / p)`; a warm-up of
/// `(chunks − 1) × round + (p − 1 − rank)` forwards; then a forward and a `B` per step, with each
/// step's `W` (of the oldest `B` without one) from step `rank` of the steady phase on; then the
/// remaining `B`s with their `W`s, and the `W`s left. PyTorch's idle slots (`None`, and the bubbles
/// `_add_bubbles_to_actions` adds) are not part of an order: the simulator times it.
/// `InterleavedZeroBubbleTests` compares the orders with PyTorch's own (`scripts/peer_orders.py`).
public struct InterleavedZeroBubble: ScheduleFamily {
    public let name = "interleaved-zb"
    public let summary = "PyTorch's ScheduleInterleavedZeroBubble (ZB1P of Qi et al., ICLR 2024, on the loop placement): interleaved, split B/W"
    public let torchClass: String? = "ScheduleInterleavedZeroBubble"

    public init() {}

    /// PyTorch's class runs two or more stages per rank.
    public func torchClass(for problem: Problem) -> String? { torchClassOnLoopPlacement(problem) }

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        let chunks = try requireLoopPlacement(problem)
        let p = problem.devices
        let m = problem.microbatches
        let perRound = try pyTorchRoundSize(problem)
        return Schedule(orders: (0..<p).map { Self.order(rank: $0, devices: p, chunks: chunks, microbatches: m, perRound: perRound) })
    }

    static func order(rank: Int, devices p: Int, chunks: Int, microbatches m: Int, perRound: Int) -> [Op] {
        let passes = chunks * m
        let warmup = min((chunks - 1) * perRound + (p - 1 - rank), passes)
        func forwardStage(_ step: Int) -> Int { (step / perRound) % chunks * p + rank }
        func backwardStage(_ step: Int) -> Int { (chunks - 1 - (step - warmup) / perRound % chunks) * p + rank }
        var next = (forward: [Int: Int](), backward: [Int: Int](), weight: [Int: Int]())
        var backwardSteps: [Int] = []
        var weights = 0
        var order: [Op] = []
        order.reserveCapacity(3 * passes)
        func forward(_ stage: Int) {
            order.append(.forward(stage, next.forward[stage, default: 0]))
            next.forward[stage, default: 0] += 1
        }
        func backward(_ step: Int) {
            let stage = backwardStage(step)
            order.append(.backwardInput(stage, next.backward[stage, default: 0]))
            next.backward[stage, default: 0] += 1
            backwardSteps.append(step)
        }
        /// The `W` of the oldest `B` without one.
        func weight() {
            let stage = backwardStage(backwardSteps[weights])
            order.append(.backwardWeight(stage, next.weight[stage, default: 0]))
            next.weight[stage, default: 0] += 1
            weights += 1
        }
        for step in 0..<(warmup + passes) {
            if step < warmup {
                forward(forwardStage(step))
                continue
            }
            if step < passes { forward(forwardStage(step)) }
            backward(step)
            if step - warmup >= rank { weight() }
        }
        while weights < backwardSteps.count { weight() }
        return order
    }
}
