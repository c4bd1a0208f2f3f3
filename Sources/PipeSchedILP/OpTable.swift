import PipeSched

/// The passes the ILP schedules, numbered densely: F, B and W (split backward, Zero Bubble's
/// passes) for every stage, microbatch and slice, with their device, duration and memory delta.
///
/// The ILP never uses the fused `BW`: a fused backward is B immediately followed by W, which the
/// split formulation can express (its memory peak can only differ when B allocates, see
/// `docs/ilp-formulation.md`).
///
/// With `recomputation`, the table also holds an optional recomputation pass `R` for every cell of a
/// stage that offers it on a capped device (after the F, B and W blocks). Its `duration` is 0 and its
/// `memoryDelta` the memory it rebuilds: what it adds when present is the MILP's (`recompute`).
public struct OpTable: Sendable {
    /// Every pass; its position is its id.
    public let ops: [Op]
    /// Device of each pass.
    public let device: [Int]
    /// Duration of each pass.
    public let duration: [Double]
    /// Memory delta of each pass.
    public let memoryDelta: [Double]
    /// Ids of the passes on each device.
    public let deviceOps: [[Int]]
    /// The optional recomputation passes, by id: the ids of their cell's F and B, the time R takes
    /// and the memory it rebuilds (which the F then does not keep). Empty without `recomputation`.
    public let recompute: [Int: (forward: Int, backward: Int, time: Double, rebuilt: Double)]
    /// Id of the optional `R` of each cell, -1 where there is none.
    private let recomputeId: [Int]
    let microbatches: Int
    let slices: Int
    let cellCount: Int
    /// Whether the model fixes the order in which each (stage, kind, slice) takes its microbatches
    /// (`Problem.microbatchOrderIsLossless`): the order edges (`OrderingGraph`) and a constant first
    /// start per device (`SpanAnchors`) follow from it.
    public let fixesMicrobatchOrder: Bool

    /// The passes of `problem`, with optional recomputation passes where `recomputation` is set and
    /// a capped device's stage offers it.
    public init(_ problem: Problem, recomputation: Bool = false) {
        microbatches = problem.microbatches
        slices = problem.sequenceSlices
        cellCount = problem.stageCount * microbatches * slices
        var ops: [Op] = []
        ops.reserveCapacity(Self.splitPassCount(problem))
        for kind in [OpKind.forward, .backwardInput, .backwardWeight] {
            for stage in 0..<problem.stageCount {
                for microbatch in 0..<microbatches {
                    for slice in 0..<slices {
                        ops.append(Op(kind, stage: stage, microbatch: microbatch, slice: slice))
                    }
                }
            }
        }
        var recomputeId = [Int](repeating: -1, count: recomputation ? cellCount : 0)
        var recompute: [Int: (forward: Int, backward: Int, time: Double, rebuilt: Double)] = [:]
        if recomputation {
            for cell in 0..<cellCount {
                let forward = ops[cell]
                guard problem.canRecompute(stage: forward.stage, slice: forward.slice),
                      problem.cap(device: problem.stageDevice[forward.stage]).isFinite else { continue }
                recomputeId[cell] = ops.count
                let pass = Op(.recompute, stage: forward.stage, microbatch: forward.microbatch, slice: forward.slice)
                recompute[ops.count] = (cell, cellCount + cell, problem.duration(pass), problem.memoryDelta(pass))
                ops.append(pass)
            }
        }
        self.recomputeId = recomputeId
        self.recompute = recompute
        self.ops = ops
        device = ops.map { problem.stageDevice[$0.stage] }
        duration = ops.map { $0.kind == .recompute ? 0 : problem.duration($0) }
        memoryDelta = ops.map { problem.memoryDelta($0) }
        var perDevice = Array(repeating: [Int](), count: problem.devices)
        for (id, d) in device.enumerated() { perDevice[d].append(id) }
        deviceOps = perDevice
        fixesMicrobatchOrder = problem.microbatchOrderIsLossless(choosingActions: !recompute.isEmpty)
    }

    /// Number of passes.
    public var count: Int { ops.count }

    /// The number of split passes (`F`, `B` and `W` of every cell), the table's `count` without
    /// recomputation, without building the table.
    public static func splitPassCount(_ problem: Problem) -> Int { 3 * problem.stageCount * problem.microbatches * problem.sequenceSlices }

    /// Whether the table holds optional recomputation passes.
    public var hasRecomputation: Bool { !recompute.isEmpty }

    /// The id of a split pass (`F`, `B` or `W`) or of an optional `R`; `nil` for a fused `BW`, a copy,
    /// an `R` the table does not hold, or a pass outside the problem.
    public func id(of op: Op) -> Int? {
        let kind: Int
        switch op.kind {
        case .forward: kind = 0
        case .backwardInput: kind = 1
        case .backwardWeight: kind = 2
        case .recompute: kind = 3
        case .backward, .offload, .reload: return nil
        }
        guard op.microbatch >= 0, op.microbatch < microbatches, op.slice >= 0, op.slice < slices,
              op.stage >= 0, op.stage * microbatches * slices < cellCount else { return nil }
        let cell = (op.stage * microbatches + op.microbatch) * slices + op.slice
        guard kind == 3 else { return kind * cellCount + cell }
        return recomputeId.isEmpty || recomputeId[cell] < 0 ? nil : recomputeId[cell]
    }

    /// The pass a dependency names: the pass itself, the split `B` for an input gradient, and the
    /// action's pass for a memory action (which only a table holding it knows, `id(of:)`).
    public static func pass(for dependency: Dependency) -> Op? {
        switch dependency {
        case .op(let op): op
        case .inputGradient(let stage, let microbatch, let slice): .backwardInput(stage, microbatch, slice: slice)
        case .ifScheduled(let op): op
        }
    }

    /// The id of the pass of `kind` in the same cell as pass `id`.
    func sibling(_ id: Int, kind: Int) -> Int { kind * cellCount + id % cellCount }
}
