import PipeSched

/// The first pass of every device and, when it is a constant, its start time in the
/// as-soon-as-possible simulation of any order.
///
/// Every order starts device `d` with `F(s, 0, 0)` of its lowest stage `s`: all other passes on `d`
/// follow it in the ordering graph. That pass waits only for `F(s − 1, 0, 0)`; when that one is the
/// first pass of its own device too (and so on back to stage 0), the as-soon-as-possible simulator
/// starts it at a constant time: the forward chain plus link latencies before stage `s`. This holds
/// for sequential, interleaved and V placements of one pipeline. With several pipelines
/// (`Problem.pipelines`) another pipeline's forward may come first, so the first start is never
/// fixed and the span measured from the lowest stage's forward is a relaxation. Fixing the first start there makes the ILP's
/// stageSpan exactly the simulated one; otherwise (some explicit placements) the ILP's value is a
/// relaxation: its bound stays valid, and its schedule is measured by simulation.
public struct SpanAnchors: Sendable {
    /// Id of the first pass of each device.
    public let firstOp: [Int]
    /// Simulated start of each device's first pass, or `nil` when it depends on the order.
    public let fixedStart: [Double]?

    public init(_ problem: Problem, table: OpTable) {
        let lowest = problem.deviceStages.map { $0.min()! }
        firstOp = lowest.map { table.id(of: .forward($0, 0))! }
        // Constant when the chain before each first pass runs through first passes only.
        // Without microbatch order (optional recomputation, costs per microbatch) another microbatch
        // may come first.
        let constant = table.fixesMicrobatchOrder && problem.pipelines == 1
            && lowest.allSatisfy { stage in (0..<stage).allSatisfy { lowest[problem.stageDevice[$0]] == $0 } }
        guard constant else {
            fixedStart = nil
            return
        }
        let chains = MicrobatchChains(problem)
        let starts = chains.earliestStarts
        fixedStart = lowest.map { starts[chains.position(.forward, stage: $0, slice: 0)] }
    }
}
