import PipeSched

/// The first pass of every device and, under makespan, the constant start time the
/// as-soon-as-possible simulation gives it in an order of the exact models' form.
///
/// An order in the models' form (microbatches in order within each stage, `WarmStart.canonical`)
/// starts device `d` with `F(s, 0, 0)` of its lowest stage `s`: all other passes on `d` follow it
/// in the ordering graph. That pass waits only for `F(s − 1, 0, 0)`; when that one is the first
/// pass of its own device too (and so on back to stage 0), the as-soon-as-possible simulator starts
/// it at a constant time: the forward chain plus link latencies before stage `s`. This holds for
/// sequential, interleaved and V placements of one pipeline. With several pipelines
/// (`Problem.pipelines`) another pipeline's forward may come first, so the first start is never
/// fixed.
///
/// Fixing it is lossless only under makespan. Relabelling a schedule into the models' form keeps
/// its timeline feasible, and the simulation then starts every pass at most as late, so the last
/// end (makespan) never grows; but a device's first pass may move earlier, and with it the origin
/// of its span. Under stageSpan an order that runs a later microbatch first starts its device
/// later, when the microbatches before it have arrived, and can so spare the device an idle gap
/// after its start: on an interleaved problem whose second-chunk stages outlast the first, such an
/// order beats every order in microbatch order (`StageSpanLateStartTests`). Under stageSpan the
/// models therefore do not fix each device's first start (`fixedStart` is `nil`): the span is
/// measured from the start of its lowest stage's first forward, free in the ILP (which fixes only
/// the schedule's origin, `ProblemFrame.origin`) and, in CP-SAT's model, at the moment one of the
/// inputs of that stage arrives (`ScheduleModel`). Both are
/// relaxations of every order, so the bound they prove holds for every schedule, and their
/// schedules are measured by simulation.
public struct SpanAnchors: Sendable {
    /// Id of the first pass of each device.
    public let firstOp: [Int]
    /// Simulated start of each device's first pass under makespan, or `nil` under stageSpan and
    /// where it depends on the order.
    public let fixedStart: [Double]?

    /// Per device, the forward whose output its first pass waits for (`nil` on the device of stage
    /// 0), where that pass is a forward of the device's lowest stage in every order and its input
    /// arrives exactly the link's lag after its producer ends: one pipeline whose stages form a
    /// chain (every other stage on the device comes after the lowest), links that do not contend
    /// (a contended message may wait for its link). The simulation then starts the device's first
    /// pass at 0 or the moment one of that stage's forwards' outputs arrives, whichever microbatch
    /// comes first (CP-SAT's stageSpan model holds the first start to those moments,
    /// `ScheduleModel`). `nil` elsewhere.
    public let firstInputs: [Op?]?

    public init(_ problem: Problem, table: OpTable, objective: Objective) {
        let lowest = problem.deviceStages.map { $0.min()! }
        firstOp = lowest.map { table.id(of: .forward($0, 0))! }
        let inputs = firstOp.map { id in
            var inputs: [Op] = []
            problem.forEachDependency(of: table.ops[id]) { if let needed = OpTable.pass(for: $0) { inputs.append(needed) } }
            return inputs
        }
        firstInputs = problem.pipelines == 1 && problem.graph.isChain && !problem.communication.linksContend
            && inputs.allSatisfy({ $0.isEmpty || ($0.count == 1 && $0[0].kind == .forward) }) ? inputs.map(\.first) : nil
        // Constant when the chain before each first pass runs through first passes only.
        // Without microbatch order (optional recomputation, costs per microbatch) another microbatch
        // may come first.
        let constant = objective == .makespan && table.fixesMicrobatchOrder && problem.pipelines == 1
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
