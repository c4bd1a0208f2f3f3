/// Interleaved 1F1B: several model chunks per device (loop placement), run depth-first in rounds of
/// microbatches, with 1F1B's alternation after a longer warm-up.
///
/// Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using
/// Megatron-LM", SC 2021. The order is PyTorch's `ScheduleInterleaved1F1B` (as of 2.13), which
/// generalizes Megatron's `get_schedule_table` (groups of p microbatches) to any m that is a multiple
/// of its rounds: microbatches in rounds of `m / max(1, m / p)` (p when p divides m), each round run
/// through every chunk before the next, and a warm-up of `(chunks − 1) × round + 2 (p − 1 − rank)`
/// forwards; fused backward. With one chunk per device (which PyTorch's class refuses) it is 1F1B.
public struct Interleaved1F1B: ScheduleFamily {
    public let name = "interleaved-1f1b"
    public let summary = "Interleaved 1F1B (Narayanan et al., Megatron-LM, SC 2021): chunks in loop placement, depth-first rounds of microbatches"
    public let torchClass: String? = "ScheduleInterleaved1F1B"

    public init() {}

    /// PyTorch's class runs two or more stages per rank.
    public func torchClass(for problem: Problem) -> String? { torchClassOnLoopPlacement(problem) }

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        let chunks = try requireLoopPlacement(problem)
        let p = problem.devices
        let m = problem.microbatches
        let roundSize = chunks == 1 ? m : try pyTorchRoundSize(problem)
        let table = Self.scheduleTable(microbatches: m, chunks: chunks, roundSize: roundSize)
        let total = table.count
        var orders: [[Op]] = []
        for device in 0..<p {
            let warmup = chunks == 1 ? min(p - device - 1, m) : min((p - device - 1) * 2 + (chunks - 1) * roundSize, total)
            func forward(_ k: Int) -> Op { Op.forward(table[k].chunk * p + device, table[k].microbatch) }
            func backward(_ k: Int) -> Op { Op.backward((chunks - 1 - table[k].chunk) * p + device, table[k].microbatch) }
            var order = (0..<warmup).map(forward)
            for k in 0..<total {
                if warmup + k < total { order.append(forward(warmup + k)) }
                order.append(backward(k))
            }
            orders.append(order)
        }
        return Schedule(orders: orders)
    }

    /// The virtual-microbatch table: rounds of `roundSize` microbatches (which divides `m`), each
    /// round run through every chunk before the next.
    static func scheduleTable(microbatches m: Int, chunks: Int, roundSize: Int) -> [(microbatch: Int, chunk: Int)] {
        var table: [(microbatch: Int, chunk: Int)] = []
        for first in stride(from: 0, to: m, by: roundSize) {
            for chunk in 0..<chunks {
                for microbatch in first..<(first + roundSize) { table.append((microbatch, chunk)) }
            }
        }
        return table
    }
}
