/// ZB-V: the zero-bubble V schedule. Each device warms up on chunk 0, turns to chunk 1 with B and
/// W right after each chunk-1 forward, then runs F B W on chunk 0 and chunk 1 in turn; the W passes
/// of the cool-down fill the tail.
///
/// Qi, Wan, Huang, Lin, "Zero Bubble Pipeline Parallelism", ICLR 2024, §6 (ZB-V): zero bubble with
/// T_F = T_B = T_W at the memory of 1F1B (2p chunk activations, p microbatches, per device). Ported
/// from PyTorch's `ScheduleZBVZeroBubble._calculate_single_rank_operations`
/// (`torch/distributed/pipelining/schedules.py`): like PyTorch, the pattern is built for
/// max(m, 2p−1) microbatches and the extra ones are dropped, which keeps small m valid.
public struct ZBV: ScheduleFamily {
    public let name = "zb-v"
    public let summary = "ZB-V (Qi et al., Zero Bubble PP, ICLR 2024): V placement, split B/W, zero bubble with equal F/B/W at 1F1B's memory"
    public let torchClass: String? = "ScheduleZBVZeroBubble"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireVShape(problem)
        let p = problem.devices
        let m = problem.microbatches
        let n = max(2 * p - 1, m)
        let orders = (0..<p).map { rank in Self.order(rank: rank, devices: p, microbatches: n).filter { $0.microbatch < m } }
        return Schedule(orders: orders)
    }

    /// The order of one device for `n` ≥ 2p−1 microbatches.
    static func order(rank r: Int, devices p: Int, microbatches n: Int) -> [Op] {
        let chunk0 = r, chunk1 = 2 * p - 1 - r
        var order: [Op] = []
        var f0 = 0, f1 = 0, b0 = 0, b1 = 0
        func forward0() { order.append(.forward(chunk0, f0)); f0 += 1 }
        func forward1() { order.append(.forward(chunk1, f1)); f1 += 1 }
        // Warm-up: chunk-0 forwards, then chunk-1 and chunk-0 forwards in turn, then F B W on chunk 1.
        for _ in 0..<(2 * (p - r) - 1) { forward0() }
        for _ in 0..<r { forward1(); forward0() }
        for _ in 0..<(p - r) {
            forward1()
            order += [.backwardInput(chunk1, b1), .backwardWeight(chunk1, b1)]
            b1 += 1
        }
        // Steady state: F B W on chunk 0, then on chunk 1.
        while f1 < f0 || f0 < n {
            if f0 < n { forward0() }
            order += [.backwardInput(chunk0, b0), .backwardWeight(chunk0, b0)]
            b0 += 1
            forward1()
            order += [.backwardInput(chunk1, b1), .backwardWeight(chunk1, b1)]
            b1 += 1
        }
        // Cool-down: the remaining B passes, W delayed to fill the tail.
        var w0 = b0, w1 = b1
        for _ in 0..<r {
            order += [.backwardInput(chunk0, b0), .backwardInput(chunk1, b1)]
            b0 += 1
            b1 += 1
        }
        for _ in 0..<(p - r) {
            order += [.backwardInput(chunk0, b0), .backwardWeight(chunk0, w0)]
            b0 += 1
            w0 += 1
        }
        while w1 < b1 { order.append(.backwardWeight(chunk1, w1)); w1 += 1 }
        while w0 < b0 { order.append(.backwardWeight(chunk0, w0)); w0 += 1 }
        return order
    }
}
