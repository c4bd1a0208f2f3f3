/// PyTorch's `ScheduleDualPipeV` (`torch.distributed.pipelining.schedules`, as of 2.13): DeepSeek's
/// DualPipe (DeepSeek-V3 technical report, 2024) cut in half on the V placement, the second V
/// schedule torchtitan offers.
///
/// The per-device order of its `_calculate_single_rank_operations`, step by step (F0: forwards of
/// the device's first chunk, F1 of its second; I: `B`; B: fused `BW`): `2(p − rank − 1)` F0; `rank + 1`
/// F0 F1; `p − rank − 1` of I1, the oldest pending W, F1; `m − 2p + rank + 1` of F0&B1 then F1&B0
/// (the last rank's first F0 and B1 apart); `p − rank − 1` of B1 then F1&B0; `rank + 1` of B1 B0
/// (split into I from the middle on); `p − rank − 1` of the oldest W then B0 or I0; the pending Ws.
/// PyTorch runs each "F&B" pair as one overlapped action (`OVERLAP_F_B`). Where the problem declares
/// time such a pass can hide (`OverlappedPass.swift`) the pairs are overlapped passes; elsewhere a
/// pair would only wait for both inputs and gain nothing, so it is its two passes, the forward first
/// (which is also how PyTorch's runtime runs `OVERLAP_F_B` without a custom function).
/// `DualPipeVTests` compares the orders and the pairs with PyTorch's own (`scripts/peer_orders.py`).
public struct DualPipeV: ScheduleFamily {
    public let name = "dualpipev"
    public let summary = "PyTorch's ScheduleDualPipeV (DualPipe of DeepSeek-V3, cut in half on the V placement), F&B pairs overlapped where the problem declares hideable time; V placement, m ≥ 2p"
    public let torchClass: String? = "ScheduleDualPipeV"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireVShape(problem)
        let p = problem.devices
        guard problem.microbatches >= 2 * p else {
            throw FamilyError(method: name, message: "needs at least as many microbatches as stages, \(2 * p) (PyTorch refuses \(problem.microbatches)); use m ≥ \(2 * p)")
        }
        let ranks = (0..<p).map { Self.order(rank: $0, devices: p, microbatches: problem.microbatches) }
        return Schedule(orders: ranks.map(\.order), overlaps: problem.hasOverlap ? ranks.map(\.pairs) : [])
    }

    /// One rank's passes and the positions of the forwards PyTorch overlaps with the backward after them.
    static func order(rank: Int, devices p: Int, microbatches m: Int) -> (order: [Op], pairs: Set<Int>) {
        let first = rank, second = 2 * p - 1 - rank
        var order: [Op] = []
        var pairs = Set<Int>()
        var forwards = [Int: Int](), inputs = [Int: Int]()
        var pendingWeights: [(stage: Int, microbatch: Int)] = []
        var pendingHead = 0
        func forward(_ stage: Int) {
            order.append(.forward(stage, forwards[stage, default: 0]))
            forwards[stage, default: 0] += 1
        }
        /// A fused backward (PyTorch's FULL_BACKWARD), numbered by the `B` counter as PyTorch does.
        func fused(_ stage: Int) {
            order.append(.backward(stage, inputs[stage, default: 0]))
            inputs[stage, default: 0] += 1
        }
        func input(_ stage: Int) {
            let microbatch = inputs[stage, default: 0]
            order.append(.backwardInput(stage, microbatch))
            pendingWeights.append((stage, microbatch))
            inputs[stage, default: 0] += 1
        }
        func oldestWeight() {
            guard pendingHead < pendingWeights.count else { return }
            let (stage, microbatch) = pendingWeights[pendingHead]
            pendingHead += 1
            order.append(.backwardWeight(stage, microbatch))
        }
        func backward(_ stage: Int, split: Bool) { if split { input(stage) } else { fused(stage) } }
        /// PyTorch's `add_overlap_f_b`: a forward, then a fused backward of the other chunk, as one action.
        func overlapped(forward f: Int, backward b: Int) {
            pairs.insert(order.count)
            forward(f)
            fused(b)
        }
        for _ in 0..<(2 * (p - rank - 1)) { forward(first) }
        for _ in 0..<(rank + 1) {
            forward(first)
            forward(second)
        }
        for _ in 0..<(p - rank - 1) {
            input(second)
            oldestWeight()
            forward(second)
        }
        for step in 0..<(m - 2 * p + rank + 1) {
            if step == 0 && rank == p - 1 {  // PyTorch: "we don't overlap these two chunks"
                forward(first)
                fused(second)
            } else {
                overlapped(forward: first, backward: second)
            }
            overlapped(forward: second, backward: first)
        }
        for _ in 0..<(p - rank - 1) {
            fused(second)
            overlapped(forward: second, backward: first)
        }
        var split = false
        let middle = (rank + 1) / 2
        for step in 0..<(rank + 1) {
            if step == middle && rank % 2 == 1 { split = true }
            backward(second, split: split)
            if step == middle && rank % 2 == 0 { split = true }
            backward(first, split: split)
        }
        for _ in 0..<(p - rank - 1) {
            oldestWeight()
            backward(first, split: split)
        }
        for _ in 0..<(rank + 1) { oldestWeight() }
        return (order, pairs)
    }
}
