import CPSAT
import PipeSched
import PipeSchedILP

/// The scheduling problem as a CP-SAT model (docs/cpsat.md):
///
/// - an interval per split pass (F, B, W; Zero Bubble's passes), its start a variable, its length
///   the pass's duration;
/// - `NoOverlap` per device;
/// - each dependency (`Problem.forEachDependency`) as start(after) ≥ end(before) + link latency;
/// - within each (stage, kind, slice) microbatches in order (lossless: `WarmStart.canonical`);
/// - memory as a reservoir per capped device: each pass adds its delta when it starts, and the
///   level stays ≤ cap − static memory; the in-flight limit it implies (`MemoryPrecedence`) as
///   redundant precedences;
/// - the objective: the largest device span (stageSpan) or the last end (makespan), at least the
///   core's lower bound (`LowerBound`) and at most `ceiling` (the schedule to beat);
/// - where a capped device's stages offer recomputation or offloading, the actions as optional
///   passes, and where a capped stage's `B` allocates, a fused `BW` as an option (`ActionModel`);
///   microbatch order and the in-flight precedences are then left out (cells of one stage may
///   choose differently, so microbatches are no longer interchangeable), and the first starts are
///   not fixed;
///
/// The model's value is the as-soon-as-possible simulation's value exactly when the scale is exact,
/// the objective is makespan and every device's first start is order-independent
/// (`SpanAnchors.fixedStart`); otherwise (stageSpan always: a device may start later to spare an
/// idle gap, `SpanAnchors`) it is a relaxation, whose bound still holds. Schedules are read back as
/// orders and simulated.
struct ScheduleModel {
    let problem: Problem
    let objective: Objective
    let table: OpTable
    let time: IntegerScale
    let memory: IntegerScale
    private(set) var model = CPModel()
    /// Start variable of each pass.
    private(set) var start: [Int] = []
    /// The objective variable (scaled).
    private(set) var value = 0
    /// Whether the model's optimum is the simulated optimum over split schedules (not a relaxation).
    let isExact: Bool
    /// The memory actions' variables, where the problem offers actions under a cap.
    private(set) var actions: ActionModel?

    /// - Parameters:
    ///   - lowerBound: a bound on every schedule's objective (the core's).
    ///   - ceiling: the objective value of a known schedule; the model looks for one at most as good.
    ///   - hint: a timed schedule of split passes to start the search from.
    init(problem: Problem, objective: Objective, table: OpTable, lowerBound: Double, ceiling: Double,
         hint: Timeline?) {
        self.problem = problem
        self.objective = objective
        self.table = table
        let latency = problem.maxLag
        let ceiling = max(ceiling, lowerBound)
        // Any optimal stageSpan schedule fits into devices × (span + latency) once idle gaps are closed.
        let horizon = objective == .makespan ? ceiling : Double(problem.devices) * (ceiling + latency)
        let hasActions = ActionModel.applies(problem)
        time = IntegerScale(values: table.duration + problem.messageLags + [latency] + (hasActions ? ActionModel.durations(problem) : []),
                            magnitude: horizon)
        var memoryValues = table.memoryDelta + (hasActions ? ActionModel.memoryValues(problem) : [])
        if let caps = problem.memoryLimit {
            for device in 0..<problem.devices { memoryValues.append(caps[device] - problem.staticMemory(device: device)) }
        }
        memory = IntegerScale(values: memoryValues, magnitude: table.memoryDelta.reduce(0) { $0 + abs($1) })
        let anchors = SpanAnchors(problem, table: table, objective: objective)
        let fixesOrder = problem.microbatchOrderIsLossless(choosingActions: hasActions)
        let fixedFirst = time.exact && fixesOrder ? anchors.fixedStart : nil
        isExact = time.exact && memory.exact && (objective == .makespan || fixedFirst != nil)

        let slack = time.boundSlack
        let duration = table.duration.map { time.down($0) }
        let top = time.up(horizon) + slack + 1
        let highest = time.up(ceiling) + slack

        var model = CPModel()

        let start = (0..<table.count).map { id in
            model.addVariable(lower: 0, upper: fixedFirst.map { max(0, time.down($0[table.device[id]]) + highest - duration[id]) } ?? top)
        }
        let value = model.addVariable(lower: max(0, time.up(lowerBound * (1 - 1e-12)) - slack), upper: highest)
        if let fixedFirst {
            for (device, id) in anchors.firstOp.enumerated() {
                let at = time.down(fixedFirst[device])
                model.addLinear([start[id]: 1], lower: at, upper: at)
            }
        }

        // Under stageSpan a device may start later than its earliest start, with a later microbatch
        // first (`SpanAnchors`), but never at an arbitrary time: as the simulation runs a schedule,
        // each device's first pass starts at 0 or the moment its input arrives. Relabelled into
        // microbatch order, that pass is `F(s, 0)` of the device's lowest stage and the input is the
        // end of one of the slots of `F(s − 1)`, plus the link's lag: one of m choices, which holds
        // the relaxation close (`arrivals`). Where `SpanAnchors.firstInputs` knows the input, with
        // microbatches in order, on an exact scale (the equality must hold in units).
        let arrivals = objective == .stageSpan && fixedFirst == nil && time.exact && fixesOrder ? anchors.firstInputs : nil
        for (id, input) in zip(anchors.firstOp, arrivals ?? []) {
            guard let input else {
                model.addLinear([start[id]: 1], lower: 0, upper: 0)
                continue
            }
            var choices: [Int] = []
            for microbatch in 0..<problem.microbatches {
                guard let slot = table.id(of: Op(.forward, stage: input.stage, microbatch: microbatch, slice: input.slice)) else { continue }
                let choice = model.addBool()
                let gap = duration[slot] + time.down(problem.lag(of: table.ops[slot], to: table.device[id]))
                model.addLinear([start[id]: 1, start[slot]: -1], lower: gap, upper: gap, onlyIf: [choice])
                choices.append(choice)
            }
            model.add(.linear(choices.map { (variable: $0, coefficient: 1) }, lower: 1, upper: Int64(choices.count)))
        }

        // Dependencies (input gradients come from the split B) and microbatch order.
        func precedes(_ before: Int, _ after: Int, gap: Int64) {
            model.addLinear([start[after]: 1, start[before]: -1], lower: gap, upper: top)
        }
        for (id, op) in table.ops.enumerated() {
            problem.forEachDependency(of: op) { dependency in
                guard let needed = OpTable.pass(for: dependency) else { return }
                guard let before = table.id(of: needed) else { return }
                precedes(before, id, gap: duration[before] + time.down(problem.lag(of: needed, to: table.device[id])))
            }
            if fixesOrder, op.microbatch > 0, let previous = table.id(of: Op(op.kind, stage: op.stage, microbatch: op.microbatch - 1, slice: op.slice)) {
                precedes(previous, id, gap: duration[previous])
            }
        }
        let actions = hasActions ? ActionModel(problem: problem, table: table, model: &model, start: start, duration: duration, top: top,
                                               time: time, memory: memory) : nil
        // Redundant: how far forwards may run ahead of backwards under the cap (`MemoryPrecedence`).
        for pair in fixesOrder ? MemoryPrecedence.pairs(problem.stepEndRelaxation) : [] {
            guard let before = table.id(of: pair.before), let after = table.id(of: pair.after) else { continue }
            precedes(before, after, gap: 0)
        }
        // One machine per device; memory as a reservoir per capped device.
        for device in 0..<problem.devices {
            let ids = table.deviceOps[device]
            let intervals = ids.map { model.addInterval(start: start[$0], size: duration[$0]) }
            model.add(.noOverlap(intervals: intervals + (actions?.intervals(device: device, stream: .compute, model: &model) ?? [])))
            for stream in [PassStream.deviceToHost, .hostToDevice] {
                if let copies = actions?.intervals(device: device, stream: stream, model: &model), copies.count > 1 { model.add(.noOverlap(intervals: copies)) }
            }
            let cap = problem.cap(device: device)
            guard cap.isFinite else { continue }
            var times: [CPLinearExpression] = ids.map { .variable(start[$0]) }
            var changes = ids.map { actions?.alwaysCounted[$0] ?? memory.down(table.memoryDelta[$0]) }
            var active: [Int] = []
            if let extra = actions?.events[device], !extra.isEmpty {
                let yes = model.addVariable(lower: 1, upper: 1)
                active = Array(repeating: yes, count: times.count) + extra.map(\.literal)
                times += extra.map(\.time)
                changes += extra.map(\.change)
            }
            let room = memory.up(cap - problem.staticMemory(device: device))
            model.add(.reservoir(times: times, changes: changes, minLevel: -changes.reduce(0) { $0 + abs($1) }, maxLevel: max(0, room),
                                 active: active))
        }

        // The objective: every device's last pass is a W (each F has its B and each B its W after it on the device).
        let lastKinds = table.ops.indices.filter { table.ops[$0].kind == .backwardWeight }
        switch objective {
        case .makespan:
            for id in lastKinds { model.addLinear([value: 1, start[id]: -1], lower: duration[id], upper: top + highest) }
        case .stageSpan:
            for device in 0..<problem.devices {
                let ids = table.deviceOps[device]
                let last = ids.filter { table.ops[$0].kind == .backwardWeight }
                if let fixedFirst {
                    let first = time.down(fixedFirst[device])
                    for id in last { model.addLinear([value: 1, start[id]: -1], lower: duration[id] - first, upper: top + highest) }
                } else if arrivals != nil {
                    // The span runs from the device's first pass, which starts when an input arrives.
                    let first = start[anchors.firstOp[device]]
                    for id in last { model.addLinear([value: 1, start[id]: -1, first: 1], lower: duration[id], upper: top + highest) }
                } else {
                    let first = model.addVariable(lower: 0, upper: top)
                    for id in ids where table.ops[id].kind == .forward { model.addLinear([start[id]: 1, first: -1], lower: 0, upper: top) }
                    for id in last {
                        model.addLinear([value: 1, start[id]: -1, first: 1], lower: duration[id], upper: 2 * top + highest)
                    }
                }
            }
        }
        model.objective = [(value, 1)]
        self.start = start
        self.value = value
        self.actions = actions

        // With optional passes (actions, fused `BW` options) the hint would give only the passes'
        // starts: OR-Tools 9.15 then aborted the process on a "solution" its own checker refused
        // (Llama 3 8B at 32k with full recomputation, 8 devices, m = 16; `CPSATHintTests`), and
        // the same model without the hint solved. The heuristic's value still caps the objective.
        if let hint, actions == nil {
            var entries: [(variable: Int, value: Int64)] = []
            for row in hint {
                for timed in row {
                    guard let id = table.id(of: timed.op) else { continue }
                    entries.append((start[id], min(top, time.down(timed.start))))
                }
            }
            model.hint = entries
        }
        self.model = model
    }

    /// The integer value of the model's objective for a real objective value.
    func units(_ real: Double) -> Int64 { time.up(real) }

    /// The bound CP-SAT proved, as a real objective value that holds for every split schedule in
    /// microbatch order (the model is that problem or a relaxation of it).
    func realBound(_ units: Double) -> Double { time.real(max(0, units.rounded(.up) - Double(time.boundSlack))) }

    /// The devices' orders in the solution: passes sorted by start; ties (zero-length passes) in
    /// an order that respects dependencies (F before B before W, forwards up the stages, backwards down).
    /// With memory actions, the present optional passes join them, each at the time it changes
    /// memory (an `O` at its end, the rest at their start, frees first), in a topological order of
    /// their dependencies on the device (`ActionModel`).
    func schedule(from solution: [Int64]) -> Schedule {
        let orders = table.deviceOps.map { ids in
            ids.sorted { a, b in
                let (x, y) = (table.ops[a], table.ops[b])
                let key = { (op: Op, id: Int) in
                    (solution[start[id]], op.kind.index, op.kind == .forward ? op.stage : -op.stage, op.microbatch, op.slice)
                }
                return key(x, a) < key(y, b)
            }.map { table.ops[$0] }
        }
        guard let actions else { return Schedule(orders: orders) }
        return Schedule(orders: orders.enumerated().map { device, compute in
            // A fused cell's B becomes its BW, and its W goes.
            var timed: [(op: Op, at: Int64, frees: Bool)] = compute.compactMap { op in
                let id = table.id(of: op)!
                if op.kind == .backwardWeight, let b = table.id(of: .backwardInput(op.stage, op.microbatch, slice: op.slice)),
                   let f = actions.fused[b], solution[f] == 1 { return nil }
                if op.kind == .backwardInput, let f = actions.fused[id], solution[f] == 1 {
                    let fused = Op.backward(op.stage, op.microbatch, slice: op.slice)
                    return (fused, solution[start[id]], problem.memoryDelta(fused) < 0)
                }
                return (op, solution[start[id]], problem.memoryDelta(op) < 0)
            }
            for pass in actions.passes[device] where solution[pass.presence] == 1 {
                let at = solution[pass.start] + (pass.op.kind == .offload ? pass.duration : 0)
                timed.append((pass.op, at, pass.op.kind == .offload))
            }
            return Self.topologicalOrder(problem, timed)
        })
    }

    /// The passes of one device in order of (time, frees first, then their place in `timed`), each
    /// only once the passes it depends on (on the same device, stream predecessors included via the
    /// times) are placed.
    static func topologicalOrder(_ problem: Problem, _ timed: [(op: Op, at: Int64, frees: Bool)]) -> [Op] {
        let present = Set(timed.map(\.op))
        var placed = Set<Op>()
        var gradients = Set<Op>()  // B or BW placed, by their cell as a forward
        var left = Array(timed.indices)
        var order: [Op] = []
        func ready(_ op: Op) -> Bool {
            var ready = true
            problem.forEachDependency(of: op) { dependency in
                switch dependency {
                case .op(let needed): if present.contains(needed) && !placed.contains(needed) { ready = false }
                case .ifScheduled(let needed): if present.contains(needed) && !placed.contains(needed) { ready = false }
                case .inputGradient(let stage, let microbatch, let slice):
                    let produced = present.contains(.backwardInput(stage, microbatch, slice: slice)) || present.contains(.backward(stage, microbatch, slice: slice))
                    if produced && !gradients.contains(.forward(stage, microbatch, slice: slice)) { ready = false }
                }
            }
            return ready
        }
        while !left.isEmpty {
            let candidates = left.filter { ready(timed[$0].op) }
            guard let next = (candidates.isEmpty ? left : candidates).min(by: { a, b in
                (timed[a].at, timed[a].frees ? 0 : 1, a) < (timed[b].at, timed[b].frees ? 0 : 1, b)
            }) else { break }
            let op = timed[next].op
            placed.insert(op)
            if op.kind.producesInputGradient { gradients.insert(.forward(op.stage, op.microbatch, slice: op.slice)) }
            order.append(op)
            left.removeAll { $0 == next }
        }
        return order
    }
}
