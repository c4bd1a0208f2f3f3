/// Interleaved 1F1B: several model chunks per device (loop placement), run depth-first in groups of
/// `p` microbatches, with 1F1B's alternation after a longer warm-up.
///
/// Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using
/// Megatron-LM", SC 2021. The order follows Megatron's `get_schedule_table` with a microbatch group
/// size of p and its warm-up of (p − rank − 1)·2 + (chunks − 1)·p; fused backward.
public struct Interleaved1F1B: ScheduleFamily {
    public let name = "interleaved-1f1b"
    public let summary = "Interleaved 1F1B (Narayanan et al., Megatron-LM, SC 2021): chunks in loop placement, depth-first groups of p microbatches"
    public let torchClass: String? = "ScheduleInterleaved1F1B"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        let chunks = try requireLoopPlacement(problem)
        let p = problem.devices
        let m = problem.microbatches
        let table = Self.scheduleTable(microbatches: m, chunks: chunks, groupSize: p)
        let total = table.count
        var orders: [[Op]] = []
        for device in 0..<p {
            let warmup = chunks == 1 ? min(p - device - 1, m) : min((p - device - 1) * 2 + (chunks - 1) * p, total)
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

    /// Megatron's virtual-microbatch table: groups of `groupSize` microbatches, each group run through
    /// every chunk before the next group; a last, smaller group takes the remainder.
    static func scheduleTable(microbatches m: Int, chunks: Int, groupSize: Int) -> [(microbatch: Int, chunk: Int)] {
        var table: [(microbatch: Int, chunk: Int)] = []
        for first in stride(from: 0, to: m, by: groupSize) {
            let last = min(first + groupSize, m)
            for chunk in 0..<chunks {
                for microbatch in first..<last { table.append((microbatch, chunk)) }
            }
        }
        return table
    }
}
