import LinearProgramming
import PipeSched

/// The scheduling MILP (documented in `docs/ilp-formulation.md`): continuous start times, one
/// binary per unordered same-device pair with a big-M from the time windows, memory caps as prefix
/// sums over the order variables, the objective with its lower-bound cut, and the mapping between
/// solver values and per-device orders.
public struct ScheduleFormulation: Sendable {
    /// One order variable: `variable = 1` means `first` runs before `second`.
    public struct OrderPair: Sendable {
        public let first: Int
        public let second: Int
        public let variable: Variable
    }

    /// The model handed to a solver.
    public private(set) var model = MILPModel()
    /// Start time of each pass.
    public private(set) var start: [Variable] = []
    /// The order variables.
    public private(set) var pairs: [OrderPair] = []
    /// The binary of each optional recomputation pass (`OpTable.recompute`), by the pass's id: 1 when
    /// the cell is recomputed.
    public private(set) var recomputed: [Int: Variable] = [:]
    /// Per device, the variable for its first start where it is not a fixed pass (stageSpan with
    /// optional recomputation); `nil` elsewhere.
    private(set) var firstStart: [Variable?] = []
    /// The products of recomputation binaries and orders in the memory rows (`MemoryConstraints`).
    private(set) var products: [MemoryConstraints.Product] = []
    /// Last end on each device.
    public private(set) var lastEnd: [Variable] = []
    /// The objective's value (stageSpan or makespan).
    public private(set) var value = Variable(index: 0)
    /// `false` when the formulation is infeasible before solving (a memory cap already broken by
    /// passes whose order is fixed).
    public private(set) var isFeasible = true

    let problem: Problem
    let objective: Objective
    let graph: OrderingGraph
    let anchors: SpanAnchors

    /// Builds the model.
    /// - Parameters:
    ///   - graph: closed ordering graph (dependencies, microbatch order, any fixed orders).
    ///   - windows: start windows from `TimeWindows.tighten`, consistent with `graph`.
    ///   - horizon: an objective value known to be reachable (the best heuristic's), or a trivial one.
    ///   - lowerBound: a proven lower bound on the objective (the lower-bound cut).
    ///   - tieBreak: add a tiny multiple of the sum of device spans to the objective (window search:
    ///     progress on devices that tie for the maximum); leave off when the bound must be exact.
    ///   - loads: pivots of the head- and tail-load rows (`DeviceLoads`).
    public init(problem: Problem, objective: Objective, graph: OrderingGraph, anchors: SpanAnchors, loads: DeviceLoads,
                windows: TimeWindows, horizon: Double, lowerBound: Double, tieBreak: Bool = false) {
        self.problem = problem
        self.objective = objective
        self.graph = graph
        self.anchors = anchors
        let table = graph.table
        let slack = 1e-7 * max(1, horizon)
        model.reserveVariables(table.count + problem.devices + 1)
        start = (0..<table.count).map { id in
            let latest = windows.latest[id].isFinite ? windows.latest[id] + slack : .infinity
            return model.addVariable("S_\(table.ops[id])", lower: windows.earliest[id], upper: latest)
        }
        for (from, edges) in graph.successors.enumerated() {
            for edge in edges where windows.earliest[edge.to] - windows.latest[from] < edge.lag - slack {
                model.add(start[edge.to] - start[from] >= edge.lag, name: "prec")
            }
        }
        // Optional recomputation: R lasts its time only when chosen, and its B waits for it.
        for (id, recompute) in table.recompute.sorted(by: { $0.key < $1.key }) {
            let r = model.addVariable("r_\(table.ops[id])", kind: .binary)
            recomputed[id] = r
            model.add(start[recompute.backward] - start[id] - recompute.time * r >= 0, name: "recompute")
        }
        addOrderPairs(windows: windows, horizon: horizon, slack: slack)
        addObjective(horizon: horizon + slack, lowerBound: min(lowerBound, horizon), tieBreak: tieBreak)
        addLoadRows(loads)
        let memory = MemoryConstraints.add(to: &model, problem: problem, graph: graph, pairs: pairs, recomputed: recomputed)
        isFeasible = memory.feasible
        products = memory.products
    }

    private mutating func addOrderPairs(windows: TimeWindows, horizon: Double, slack: Double) {
        let table = graph.table
        // A pass's end: its start plus its duration, plus an optional R's time when chosen.
        func extra(_ id: Int) -> LinearExpression {
            guard let recompute = table.recompute[id], let r = recomputed[id] else { return LinearExpression() }
            return recompute.time * r
        }
        func longest(_ id: Int) -> Double { table.duration[id] + (table.recompute[id]?.time ?? 0) }
        for device in 0..<problem.devices {
            for (a, b) in graph.unorderedPairs(device: device) {
                let y = model.addVariable("y_\(table.ops[a])_\(table.ops[b])", kind: .binary)
                pairs.append(OrderPair(first: a, second: b, variable: y))
                // Each direction gets its own big-M from the windows, at most the horizon, which
                // bounds any two passes of one device (they lie within one span).
                let bigAB = min(windows.latest[a] + longest(a) - windows.earliest[b], horizon) + slack
                let bigBA = min(windows.latest[b] + longest(b) - windows.earliest[a], horizon) + slack
                // y = 1: end(a) ≤ start(b).   y = 0: end(b) ≤ start(a).
                model.add(start[a] - start[b] + extra(a) + bigAB * y <= bigAB - table.duration[a], name: "order")
                model.add(start[b] - start[a] + extra(b) - bigBA * y <= -table.duration[b], name: "order")
            }
        }
    }

    private mutating func addObjective(horizon: Double, lowerBound: Double, tieBreak: Bool) {
        value = model.addVariable(objective.rawValue, lower: lowerBound, upper: horizon)
        if let fixed = anchors.fixedStart {
            for (device, id) in anchors.firstOp.enumerated() { model.setBounds(of: start[id], lower: fixed[device], upper: fixed[device]) }
        }
        var spans = LinearExpression()
        for device in 0..<problem.devices {
            let last = model.addVariable("L_\(device)")
            lastEnd.append(last)
            for id in graph.deviceSinks(device) {
                model.add(last - start[id] >= graph.table.duration[id], name: "last")
            }
            var first = LinearExpression(start[anchors.firstOp[device]])
            if objective == .stageSpan, anchors.fixedStart == nil, !graph.table.fixesMicrobatchOrder {
                // Without microbatch order any forward of the device's lowest stage may come first.
                let lowest = graph.table.ops[anchors.firstOp[device]].stage
                let variable = model.addVariable("first_\(device)")
                for id in graph.table.deviceOps[device] where graph.table.ops[id].kind == .forward && graph.table.ops[id].stage == lowest {
                    model.add(start[id] - variable >= 0, name: "first")
                }
                first = LinearExpression(variable)
                firstStart.append(variable)
            } else {
                firstStart.append(nil)
            }
            let span = objective == .stageSpan ? last - first : LinearExpression(last)
            model.add(value - span >= 0, name: "objective")
            spans += span
        }
        let weight = tieBreak ? 1e-4 / Double(problem.devices) : 0
        model.minimize(weight > 0 ? value + weight * spans : LinearExpression(value))
    }

    /// Head- and tail-load rows for passes that have an order variable (others are ordered by edges).
    private mutating func addLoadRows(_ loads: DeviceLoads) {
        let table = graph.table
        var free = [Bool](repeating: false, count: table.count)
        for pair in pairs { free[pair.first] = true; free[pair.second] = true }
        for (device, ids) in table.deviceOps.enumerated() {
            let tailPivots = loads.tailPivots[device]
            for pivot in loads.headPivots[device] {
                for b in ids where b != pivot && (free[b] || tailPivots.contains(b)) && graph.precedes(pivot, b) {
                    model.add(start[b] - start[pivot] >= DeviceLoads.head(from: pivot, to: b, graph: graph), name: "head")
                }
            }
            for a in ids where free[a] {
                model.add(lastEnd[device] - start[a] >= DeviceLoads.tail(from: a, before: nil, graph: graph), name: "tail")
                for pivot in tailPivots where graph.precedes(a, pivot) {
                    model.add(start[pivot] - start[a] >= DeviceLoads.tail(from: a, before: pivot, graph: graph), name: "tail")
                }
            }
        }
    }

    // MARK: Mapping

    /// The per-device orders of a solution (passes sorted by how many passes of their device the
    /// solution puts before them; ties by start time).
    public func schedule(from values: [Double]) -> Schedule {
        let table = graph.table
        var before = [Int](repeating: 0, count: table.count)
        for ids in table.deviceOps {
            for a in ids { for b in ids where b != a && graph.precedes(b, a) { before[a] += 1 } }
        }
        for pair in pairs {
            if values[pair.variable.index] > 0.5 { before[pair.second] += 1 } else { before[pair.first] += 1 }
        }
        return Schedule(orders: table.deviceOps.map { ids in
            ids.filter { recomputed[$0].map { values[$0.index] > 0.5 } ?? true }
                .sorted { (before[$0], values[start[$0].index]) < (before[$1], values[start[$1].index]) }.map { table.ops[$0] }
        })
    }

    /// Solver values for a timed schedule of split passes consistent with the graph (a warm start),
    /// or `nil` when the timeline has passes this formulation does not know (fused `BW`).
    public func values(for timeline: Timeline) -> [Double]? {
        let table = graph.table
        var values = [Double](repeating: 0, count: model.variableCount)
        var position = [Double](repeating: 0, count: table.count)
        var end = [Double](repeating: 0, count: table.count)
        var present = Set<Int>()
        for row in timeline {
            for (k, timed) in row.enumerated() {
                guard let id = table.id(of: timed.op) else { return nil }
                values[start[id].index] = timed.start
                position[id] = Double(k)
                end[id] = timed.end
                present.insert(id)
            }
        }
        // An R the schedule does not run: chosen 0, a zero-length pass right after its forward.
        for (id, recompute) in table.recompute {
            let chosen = present.contains(id)
            values[recomputed[id]!.index] = chosen ? 1 : 0
            guard !chosen else { continue }
            values[start[id].index] = end[recompute.forward]
            position[id] = position[recompute.forward] + 0.5
            end[id] = end[recompute.forward]
        }

        for pair in pairs { values[pair.variable.index] = position[pair.first] < position[pair.second] ? 1 : 0 }
        for product in products {
            let order = values[product.order.index]
            values[product.w.index] = values[product.recompute.index] * (product.otherFirst ? order : 1 - order)
        }
        var objectiveValue = 0.0
        for device in 0..<problem.devices {
            let last = table.deviceOps[device].map { end[$0] }.max() ?? 0
            values[lastEnd[device].index] = last
            var first = values[start[anchors.firstOp[device]].index]
            if let variable = firstStart[device] {
                let lowest = table.ops[anchors.firstOp[device]].stage
                first = table.deviceOps[device].filter { table.ops[$0].kind == .forward && table.ops[$0].stage == lowest }
                    .map { values[start[$0].index] }.min() ?? first
                values[variable.index] = first
            }
            let span = objective == .stageSpan ? last - first : last
            objectiveValue = max(objectiveValue, span)
        }
        values[value.index] = objectiveValue
        return values
    }
}
