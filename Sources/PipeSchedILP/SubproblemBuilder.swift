import LinearProgramming
import PipeSched

/// Builds the MILP of a schedule in which only some passes may change their order: outside a
/// block of each device's order, the current order is kept as edges of the ordering graph, so
/// only pairs inside a block get order variables. Start times stay free everywhere, so a better
/// order inside the blocks moves everything after them. With the whole order as the block, this
/// is the full formulation.
public struct SubproblemBuilder: Sendable {
    public let frame: ProblemFrame

    public init(frame: ProblemFrame) { self.frame = frame }

    /// The formulation for `orders` (split passes, canonical) with `blocks[d]` (a range of positions
    /// in device `d`'s order, or `nil` for none) free to reorder; `nil` when the windows find the
    /// horizon infeasible (a numerical artefact when `horizon` is the current schedule's value).
    public func formulation(orders: [[Op]], blocks: [Range<Int>?], horizon: Double, lowerBound: Double,
                     tieBreak: Bool) -> ScheduleFormulation? {
        let table = frame.table
        var graph = frame.baseGraph
        var heads = frame.anchors.firstOp.map { [$0] }
        var tails = Array(repeating: [Int](), count: orders.count)
        for (device, order) in orders.enumerated() {
            let ids = order.map { table.id(of: $0)! }
            let block = blocks[device] ?? 0..<0
            if !block.isEmpty, block.lowerBound > 0 { heads[device].append(ids[block.lowerBound - 1]) }
            if !block.isEmpty, block.upperBound < ids.count { tails[device].append(ids[block.upperBound]) }
            for k in 0..<max(0, ids.count - 1) where !(block.contains(k) && block.contains(k + 1)) {
                graph.addOrder(ids[k], before: ids[k + 1])
            }
            guard !block.isEmpty else { continue }
            if block.lowerBound > 0 {
                for k in block { graph.addOrder(ids[block.lowerBound - 1], before: ids[k]) }
            }
            if block.upperBound < ids.count {
                for k in block { graph.addOrder(ids[k], before: ids[block.upperBound]) }
            }
        }
        let tolerance = 1e-6 * max(1, horizon)
        let loads = DeviceLoads(headPivots: heads, tailPivots: tails)
        guard let windows = TimeWindows.tighten(&graph, release: frame.release, latest: frame.latest(horizon: horizon),
                                                loads: loads, tolerance: tolerance) else { return nil }
        return ScheduleFormulation(problem: frame.problem, objective: frame.objective, graph: graph, anchors: frame.anchors,
                                   loads: loads, windows: windows, horizon: horizon, lowerBound: lowerBound, tieBreak: tieBreak)
    }
}
