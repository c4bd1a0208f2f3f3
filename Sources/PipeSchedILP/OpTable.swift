import PipeSched

/// The passes the ILP schedules, numbered densely: F, B and W (split backward, Zero Bubble's
/// passes) for every stage, microbatch and slice, with their device, duration and memory delta.
///
/// The ILP never uses the fused `BW`: a fused backward is B immediately followed by W, which the
/// split formulation can express (its memory peak can only differ when B allocates, see
/// `docs/ilp-formulation.md`).
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
    let microbatches: Int
    let slices: Int
    let cellCount: Int

    /// The passes of `problem`.
    public init(_ problem: Problem) {
        microbatches = problem.microbatches
        slices = problem.sequenceSlices
        cellCount = problem.stageCount * microbatches * slices
        var ops: [Op] = []
        ops.reserveCapacity(3 * cellCount)
        for kind in [OpKind.forward, .backwardInput, .backwardWeight] {
            for stage in 0..<problem.stageCount {
                for microbatch in 0..<microbatches {
                    for slice in 0..<slices {
                        ops.append(Op(kind, stage: stage, microbatch: microbatch, slice: slice))
                    }
                }
            }
        }
        self.ops = ops
        device = ops.map { problem.stageDevice[$0.stage] }
        duration = ops.map { problem.duration($0) }
        memoryDelta = ops.map { problem.memoryDelta($0) }
        var perDevice = Array(repeating: [Int](), count: problem.devices)
        for (id, d) in device.enumerated() { perDevice[d].append(id) }
        deviceOps = perDevice
    }

    /// Number of passes.
    public var count: Int { ops.count }

    /// The id of a split pass (`F`, `B` or `W`); `nil` for a fused `BW` or a pass outside the problem.
    public func id(of op: Op) -> Int? {
        let kind: Int
        switch op.kind {
        case .forward: kind = 0
        case .backwardInput: kind = 1
        case .backwardWeight: kind = 2
        case .backward, .recompute, .offload, .reload: return nil
        }
        guard op.microbatch >= 0, op.microbatch < microbatches, op.slice >= 0, op.slice < slices,
              op.stage >= 0, op.stage * microbatches * slices < cellCount else { return nil }
        return kind * cellCount + (op.stage * microbatches + op.microbatch) * slices + op.slice
    }

    /// The split pass a dependency names: the pass itself, the split `B` for an input gradient, and
    /// `nil` for a recomputation (the exact models have no `R` passes; they refuse problems where one
    /// could matter, `MemoryActionsRefusal`).
    public static func pass(for dependency: Dependency) -> Op? {
        switch dependency {
        case .op(let op): op
        case .inputGradient(let stage, let microbatch, let slice): .backwardInput(stage, microbatch, slice: slice)
        case .ifScheduled: nil
        }
    }

    /// The id of the pass of `kind` in the same cell as pass `id`.
    func sibling(_ id: Int, kind: Int) -> Int { kind * cellCount + id % cellCount }
}
