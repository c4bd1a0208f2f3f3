/// Dense numbering of every possible pass of a problem, for array-backed lookups.
struct OpIndexer: Sendable {
    let stages: Int
    let microbatches: Int
    let slices: Int

    init(_ problem: Problem) {
        stages = problem.stageCount
        microbatches = problem.microbatches
        slices = problem.sequenceSlices
    }

    /// Number of indices (one per kind of pass, stage, microbatch and slice).
    var count: Int { OpKind.allCases.count * stages * microbatches * slices }

    /// Number of (stage, microbatch, slice) cells.
    var cellCount: Int { stages * microbatches * slices }

    /// Whether an op's coordinates are in range.
    func contains(_ op: Op) -> Bool {
        op.stage >= 0 && op.stage < stages && op.microbatch >= 0 && op.microbatch < microbatches
            && op.slice >= 0 && op.slice < slices
    }

    @inline(__always)
    func cell(stage: Int, microbatch: Int, slice: Int) -> Int {
        (stage * microbatches + microbatch) * slices + slice
    }

    @inline(__always)
    func cell(_ op: Op) -> Int { cell(stage: op.stage, microbatch: op.microbatch, slice: op.slice) }

    @inline(__always)
    func index(_ op: Op) -> Int { op.kind.index * cellCount + cell(op) }

    /// The pass of `kind` in a cell (the inverse of `cell(_:)`).
    func op(_ kind: OpKind, cell: Int) -> Op {
        Op(kind, stage: cell / (microbatches * slices), microbatch: (cell / slices) % microbatches, slice: cell % slices)
    }

    /// The pass at a dense index (the inverse of `index(_:)`).
    func op(at index: Int) -> Op {
        op(OpKind.allCases.first { $0.index == index / cellCount }!, cell: index % cellCount)
    }
}
