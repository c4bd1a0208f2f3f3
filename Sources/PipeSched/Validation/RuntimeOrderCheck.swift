/// Deadlock check under PyTorch's send/recv lowering rule (`_add_send_recv` in
/// `torch.distributed.pipelining.schedules`): ranks are visited round-robin; a rank's next pass can
/// be placed when its input was produced locally or its receive was already posted, which happens the
/// moment the producing pass is placed on its rank; a weight pass is always ready. A full round
/// without progress is "Malformed compute schedule" in PyTorch, a deadlock here. An overlapped pair
/// (`OVERLAP_F_B`) is placed as one action, when both its passes are ready.
public enum RuntimeOrderCheck {
    /// The passes at the head of each stuck device, or `nil` when every order drains.
    public static func stuckPasses(_ problem: Problem, _ schedule: Schedule) -> [Op]? {
        let indexer = OpIndexer(problem)
        var placed = [Bool](repeating: false, count: indexer.count)
        var inputGradientPlaced = [Bool](repeating: false, count: indexer.cellCount)
        var heads = [Int](repeating: 0, count: schedule.orders.count)
        var scheduled = [Bool](repeating: false, count: indexer.count)  // the memory actions' passes present
        for order in schedule.orders {
            for op in order where (op.kind == .recompute || op.kind == .reload) && indexer.contains(op) { scheduled[indexer.index(op)] = true }
        }
        var left = schedule.opCount
        while left > 0 {
            var progress = false
            for (device, order) in schedule.orders.enumerated() where heads[device] < order.count {
                let op = order[heads[device]]
                guard indexer.contains(op) else { return [op] }
                let paired = schedule.overlapsNext(device: device, position: heads[device]) && heads[device] + 1 < order.count
                func isReady(_ op: Op) -> Bool {
                    guard op.kind != .backwardWeight else { return true }
                    var ready = true
                    problem.forEachDependency(of: op) { dependency in
                        guard ready else { return }
                        switch dependency {
                        case .op(let needed): ready = placed[indexer.index(needed)]
                        case .inputGradient(let stage, let microbatch, let slice):
                            ready = inputGradientPlaced[indexer.cell(stage: stage, microbatch: microbatch, slice: slice)]
                        case .ifScheduled(let action):
                            ready = !scheduled[indexer.index(action)] || placed[indexer.index(action)]
                        }
                    }
                    return ready
                }
                guard isReady(op), !paired || (indexer.contains(order[heads[device] + 1]) && isReady(order[heads[device] + 1])) else { continue }
                func place(_ member: Op) {
                    placed[indexer.index(member)] = true
                    if member.kind.producesInputGradient { inputGradientPlaced[indexer.cell(member)] = true }
                }
                place(op)
                if paired { place(order[heads[device] + 1]) }
                heads[device] += paired ? 2 : 1
                left -= paired ? 2 : 1
                progress = true
            }
            if !progress {
                return schedule.orders.enumerated().compactMap { heads[$0.offset] < $0.element.count ? $0.element[heads[$0.offset]] : nil }
            }
        }
        return nil
    }
}
