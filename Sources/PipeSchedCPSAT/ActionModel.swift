import CPSAT
import PipeSched
import PipeSchedILP

/// The memory actions in the CP-SAT model (docs/memory-actions.md, as OptPipe chooses them in one
/// model): per (stage, microbatch, slice) on a capped device whose stage offers them,
///
/// - recomputation: a literal `r`, an optional interval `R` on the device's compute no-overlap, after
///   the cell's `F` and before its `B`; the forward's memory event splits into `keptMemory` (always)
///   and the rest (only without `r`), and `R` adds the rest when it starts (only with `r`);
/// - offloading: a literal `o`, optional intervals `O` on the device's device-to-host no-overlap and
///   `L` on its host-to-device no-overlap, `F` → `O` → `L` → `B`; `O` frees `offload.memory` when it
///   ends, `L` allocates it when it starts (only with `o`);
/// - never both: `r + o ≤ 1`;
/// - a fused backward, where a capped device's stage has a `B` that allocates (ΔB > 0, so a fused
///   `BW`, freeing everything at once, peaks lower than `B` then `W`): a literal `f`; with it `W`
///   starts exactly when `B` ends (the two are one `BW` on the no-overlap), `W`'s memory delta
///   counts at `B`'s start, and the passes waiting for the cell's input gradient wait for `W`'s end
///   (a `BW` hands the gradient on when it ends).
///
/// The reservoir is timed: it holds the memory in use at every instant. A solution becomes device
/// orders by the time each pass changes memory (an `O` at its end, the others at their start), which
/// satisfies the core's stream rules (`Offloading.swift`): so the model's schedules are exactly the
/// core's, and its optimum and bound are the problem's.
struct ActionModel {
    /// One optional pass of a cell: its op, start variable, duration and presence literal.
    struct Optional {
        var op: Op
        var start: Int
        var duration: Int64
        var presence: Int
    }

    /// The optional passes, per device.
    private(set) var passes: [[Optional]]
    /// Extra memory events per device: (time expression, change, literal).
    private(set) var events: [[(time: CPLinearExpression, change: Int64, literal: Int)]]
    /// For each pass id of the table whose memory event splits: the part that always counts.
    private(set) var alwaysCounted: [Int: Int64] = [:]
    /// The fused-backward literal of each cell that may fuse, by the id of its `B`.
    private(set) var fused: [Int: Int] = [:]

    /// The microbatches whose costs the integer scales must cover: all of them when they differ.
    private static func distinctMicrobatches(_ problem: Problem) -> Range<Int> {
        0..<(problem.costsVaryByMicrobatch ? problem.microbatches : 1)
    }

    /// The memory values the model uses beyond the table's deltas, for the integer scale.
    static func memoryValues(_ problem: Problem) -> [Double] {
        var values: [Double] = []
        for stage in 0..<problem.stageCount where problem.cap(device: problem.stageDevice[stage]).isFinite {
            for microbatch in distinctMicrobatches(problem) {
                for slice in 0..<problem.sequenceSlices {
                    if problem.canRecompute(stage: stage, slice: slice) {
                        values += [problem.memoryDelta(.forward(stage, microbatch, slice: slice), recomputed: true),
                                   problem.memoryDelta(Op(.recompute, stage: stage, microbatch: microbatch, slice: slice))]
                    }
                    if problem.canOffload(stage: stage, slice: slice) {
                        values.append(problem.memoryDelta(Op(.reload, stage: stage, microbatch: microbatch, slice: slice)))
                    }
                }
            }
        }
        return values
    }

    /// The durations the model uses beyond the table's, for the integer scale.
    static func durations(_ problem: Problem) -> [Double] {
        (0..<problem.stageCount).flatMap { stage in
            distinctMicrobatches(problem).flatMap { microbatch in
                (0..<problem.sequenceSlices).flatMap { slice in
                    [problem.canRecompute(stage: stage, slice: slice) ? problem.duration(Op(.recompute, stage: stage, microbatch: microbatch, slice: slice)) : nil,
                     problem.canOffload(stage: stage, slice: slice) ? problem.duration(Op(.offload, stage: stage, microbatch: microbatch, slice: slice)) : nil]
                        .compactMap { $0 }
                }
            }
        }
    }

    /// Adds the actions' variables and constraints; `start` and `duration` are the table's, `top`
    /// the largest start.
    init(problem: Problem, table: OpTable, model: inout CPModel, start: [Int], duration: [Int64], top: Int64,
         time: IntegerScale, memory: IntegerScale) {
        passes = Array(repeating: [], count: problem.devices)
        events = Array(repeating: [], count: problem.devices)
        func precedes(_ before: Int, plus gap: Int64, _ after: Int, onlyIf literal: Int) {
            model.addLinear([after: 1, before: -1], lower: gap, upper: top, onlyIf: [literal])
        }
        // The passes waiting for each split B's input gradient (by the B's id), for fused cells.
        var gradientDependents: [Int: [Int]] = [:]
        if problem.fusedBackwardCanLowerPeak {
            for (id, op) in table.ops.enumerated() {
                problem.forEachDependency(of: op) { dependency in
                    guard case .inputGradient(let stage, let microbatch, let slice) = dependency,
                          let producer = table.id(of: .backwardInput(stage, microbatch, slice: slice)) else { return }
                    gradientDependents[producer, default: []].append(id)
                }
            }
        }
        for stage in 0..<problem.stageCount {
            let device = problem.stageDevice[stage]
            guard problem.cap(device: device).isFinite else { continue }
            for microbatch in 0..<problem.microbatches {
                for slice in 0..<problem.sequenceSlices {
                    guard let forward = table.id(of: .forward(stage, microbatch, slice: slice)),
                          let backward = table.id(of: .backwardInput(stage, microbatch, slice: slice)) else { continue }
                    var literals: [Int] = []
                    if problem.canRecompute(stage: stage, slice: slice) {
                        let r = model.addBool()
                        let recompute = Op(.recompute, stage: stage, microbatch: microbatch, slice: slice)
                        let length = time.down(problem.duration(recompute))
                        let at = model.addVariable(lower: 0, upper: top)
                        precedes(start[forward], plus: duration[forward], at, onlyIf: r)
                        precedes(at, plus: length, start[backward], onlyIf: r)
                        passes[device].append(Optional(op: recompute, start: at, duration: length, presence: r))
                        let rest = memory.down(problem.memoryDelta(recompute))
                        alwaysCounted[forward] = memory.down(problem.memoryDelta(table.ops[forward], recomputed: true))
                        events[device].append((.variable(start[forward]), rest, CPModel.not(r)))
                        events[device].append((.variable(at), rest, r))
                        literals.append(r)
                    }
                    if problem.canOffload(stage: stage, slice: slice) {
                        let o = model.addBool()
                        let length = time.down(problem.duration(Op(.offload, stage: stage, microbatch: microbatch, slice: slice)))
                        let offload = model.addVariable(lower: 0, upper: top)
                        let reload = model.addVariable(lower: 0, upper: top)
                        precedes(start[forward], plus: duration[forward], offload, onlyIf: o)
                        precedes(offload, plus: length, reload, onlyIf: o)
                        precedes(reload, plus: length, start[backward], onlyIf: o)
                        passes[device].append(Optional(op: Op(.offload, stage: stage, microbatch: microbatch, slice: slice),
                                                       start: offload, duration: length, presence: o))
                        passes[device].append(Optional(op: Op(.reload, stage: stage, microbatch: microbatch, slice: slice),
                                                       start: reload, duration: length, presence: o))
                        let moved = memory.down(problem.memoryDelta(Op(.reload, stage: stage, microbatch: microbatch, slice: slice)))
                        events[device].append((CPLinearExpression([(offload, 1)], offset: length), -moved, o))
                        events[device].append((.variable(reload), moved, o))
                        literals.append(o)
                    }
                    if literals.count == 2 { model.addLinear([literals[0]: 1, literals[1]: 1], lower: 0, upper: 1) }
                    if problem.backwardAllocates(stage: stage), let weight = table.id(of: .backwardWeight(stage, microbatch, slice: slice)) {
                        let f = model.addBool()
                        fused[backward] = f
                        model.addLinear([start[weight]: 1, start[backward]: -1], lower: duration[backward], upper: duration[backward], onlyIf: [f])
                        let change = memory.down(table.memoryDelta[weight])
                        alwaysCounted[weight] = 0
                        events[device].append((.variable(start[backward]), change, f))
                        events[device].append((.variable(start[weight]), change, CPModel.not(f)))
                        for dependent in gradientDependents[backward] ?? [] {
                            let latency = time.down(problem.lag(of: table.ops[backward], to: table.device[dependent]))
                            precedes(start[weight], plus: duration[weight] + latency, start[dependent], onlyIf: f)
                        }
                    }
                }
            }
        }
    }

    /// Whether the problem has choices the model makes per cell (memory actions, or fusing where `B`
    /// allocates under a cap).
    static func applies(_ problem: Problem) -> Bool { problem.memoryActionsCanLowerPeak || problem.fusedBackwardCanLowerPeak }

    /// The optional intervals of `device` on `stream`.
    func intervals(device: Int, stream: PassStream, model: inout CPModel) -> [Int] {
        passes[device].filter { $0.op.kind.stream == stream }.map { model.addInterval(start: $0.start, size: $0.duration, presence: $0.presence) }
    }
}
