import PipeSched

/// What every ILP over one problem shares: the passes, the ordering graph of dependencies and
/// microbatch order, the device anchors, and the release times and deadlines a horizon implies.
public struct ProblemFrame: Sendable {
    public let problem: Problem
    public let objective: Objective
    public let table: OpTable
    /// Dependencies and microbatch order only (closed).
    public let baseGraph: OrderingGraph
    public let anchors: SpanAnchors
    /// Under stageSpan, the pass every other pass follows in the ordering graph, if there is one (the
    /// first forward of stage 0, where the stages form one chain in microbatch order): the models
    /// fix its start at 0. A schedule shifted in time keeps every device's span, and no pass starts
    /// before this one, so fixing it loses no schedule; deadlines follow (`latest(horizon:)`).
    /// `nil` under makespan, whose first starts are fixed where they can be (`SpanAnchors`).
    public let origin: Int?
    /// With an `origin`, the base graph's passes in topological order (`latest(horizon:)`).
    private let originOrder: [Int]?

    /// With `recomputation`, the passes include an optional `R` per cell where recomputing could
    /// lower a capped peak (the full MILP's choice; window sub-problems keep the plain passes).
    public init(_ problem: Problem, objective: Objective, recomputation: Bool = false) {
        self.problem = problem
        self.objective = objective
        table = OpTable(problem, recomputation: recomputation && problem.memoryActionsCanLowerPeak)
        var graph = OrderingGraph(problem, table: table)
        graph.close()
        baseGraph = graph
        anchors = SpanAnchors(problem, table: table, objective: objective)
        origin = objective == .stageSpan && anchors.fixedStart == nil && table.fixesMicrobatchOrder
            ? Self.onlySource(of: graph, candidate: anchors.firstOp[problem.stageDevice[0]]) : nil
        originOrder = origin == nil ? nil : graph.topologicalOrder()
    }

    /// `candidate` where it is the only pass without a predecessor in `graph`: then every pass
    /// follows it (the graph has no cycle).
    private static func onlySource(of graph: OrderingGraph, candidate: Int) -> Int? {
        var followsAnother = [Bool](repeating: false, count: graph.table.count)
        for edges in graph.successors { for edge in edges { followsAnother[edge.to] = true } }
        return (0..<graph.table.count).allSatisfy({ followsAnother[$0] == ($0 != candidate) }) ? candidate : nil
    }

    /// Earliest start of each pass before propagation: 0, or the fixed start of a device's first pass.
    public var release: [Double] {
        var release = [Double](repeating: 0, count: table.count)
        if let fixed = anchors.fixedStart {
            for (device, id) in anchors.firstOp.enumerated() { release[id] = fixed[device] }
        }
        return release
    }

    /// Latest start of each pass when the objective must not exceed `horizon`: every pass ends by
    /// `horizon` (makespan) or by its device's fixed first start plus `horizon` (stageSpan), and
    /// first passes stay at their fixed start. Under stageSpan with free first starts and an
    /// `origin`: the origin's device starts at 0, so its passes end by `horizon`; each other
    /// device's first pass comes before some of those (the latest start that leaves room for them),
    /// and its passes end by that start plus `horizon`. `+infinity` where no deadline is known
    /// (stageSpan without an origin).
    public func latest(horizon: Double) -> [Double] {
        var latest = [Double](repeating: .infinity, count: table.count)
        switch (objective, anchors.fixedStart) {
        case (.makespan, _):
            for id in 0..<table.count { latest[id] = horizon - table.duration[id] }
        case (.stageSpan, let fixed?):
            for id in 0..<table.count { latest[id] = fixed[table.device[id]] + horizon - table.duration[id] }
        case (.stageSpan, nil):
            guard let origin, let order = originOrder else { break }
            let device = table.device[origin]
            for id in 0..<table.count where table.device[id] == device { latest[id] = horizon - table.duration[id] }
            latest[origin] = 0
            let firstLatest = baseGraph.latestStarts(latest: latest, order: order)
            for id in 0..<table.count where table.device[id] != device {
                latest[id] = firstLatest[anchors.firstOp[table.device[id]]] + horizon - table.duration[id]
            }
        }
        if let fixed = anchors.fixedStart {
            for (device, id) in anchors.firstOp.enumerated() { latest[id] = fixed[device] }
        }
        return latest
    }

    /// An objective value every feasible order reaches or beats: all passes one after another with a
    /// link latency between each two (the as-soon-as-possible makespan of any order is a path through
    /// passes, each adding at most its duration and one latency). Used when no heuristic fits.
    public var trivialHorizon: Double {
        table.duration.reduce(0, +) + Double(table.count) * problem.maxLag
    }

    /// Whether the ILP's bound holds for every schedule, fused backward passes included. The model
    /// has split `B`/`W` passes only; a fused `BW` is `B` then `W` back to back, with the same times
    /// and a peak no higher unless `B` allocates, so the model misses schedules only where a fused
    /// `BW` lowers the peak under a cap (`Problem.fusedBackwardCanLowerPeak`). There the solver's
    /// bound is a bound over split schedules only, and the methods report the core's bound instead.
    /// The model chooses recomputation only when its table holds the optional `R` passes, and never
    /// offloading nor overlapped F&B pairs: where a missing one could lower a capped peak
    /// (`Problem.memoryActionsCanLowerPeak`) the same holds.
    public var modelCoversEverySchedule: Bool { problem.exactModelCovers(recomputation: table.hasRecomputation, offloading: false) }

    /// Load pivots of the full problem: each device's first pass.
    public var deviceLoads: DeviceLoads {
        DeviceLoads(headPivots: anchors.firstOp.map { [$0] }, tailPivots: Array(repeating: [], count: problem.devices))
    }

    /// The core library's lower bound (`LowerBound`): it holds for every schedule, fused backward
    /// passes included.
    public var lowerBound: Double { LowerBound.value(problem, objective: objective) }
}
