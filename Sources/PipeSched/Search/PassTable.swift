/// Durations and memory deltas of every pass kind per (stage, slice), read once from the problem's
/// one accounting (`Problem.duration`, `Problem.memoryDelta(_:recomputed:)`) into flat arrays, for
/// hot loops that ask millions of times (the greedy list scheduler and its re-timing).
///
/// Index: `stage × sequenceSlices + slice`.
struct PassTable: Sendable {
    let forwardTime: [Double]
    let inputTime: [Double]
    let weightTime: [Double]
    let fusedTime: [Double]
    let recomputeTime: [Double]
    let forwardMemory: [Double]
    /// What a forward keeps when its cell is recomputed (its `forwardMemory` where it cannot be).
    let keptMemory: [Double]
    let inputMemory: [Double]
    let weightMemory: [Double]
    let fusedMemory: [Double]
    let recomputeMemory: [Double]

    init(_ problem: Problem) {
        func table(_ value: (Int, Int) -> Double) -> [Double] {
            (0..<problem.stageCount).flatMap { stage in (0..<problem.sequenceSlices).map { value(stage, $0) } }
        }
        func time(_ kind: OpKind) -> [Double] { table { problem.duration(kind, stage: $0, slice: $1) } }
        func memory(_ kind: OpKind) -> [Double] { table { problem.memoryDelta(kind, stage: $0, slice: $1) } }
        forwardTime = time(.forward)
        inputTime = time(.backwardInput)
        weightTime = time(.backwardWeight)
        fusedTime = time(.backward)
        recomputeTime = time(.recompute)
        forwardMemory = memory(.forward)
        keptMemory = table { problem.memoryDelta(Op(.forward, stage: $0, microbatch: 0, slice: $1), recomputed: true) }
        inputMemory = memory(.backwardInput)
        weightMemory = memory(.backwardWeight)
        fusedMemory = memory(.backward)
        recomputeMemory = memory(.recompute)
    }

    @inline(__always)
    func time(_ kind: OpKind, _ index: Int) -> Double {
        switch kind {
        case .forward: forwardTime[index]
        case .backwardInput: inputTime[index]
        case .backwardWeight: weightTime[index]
        case .backward: fusedTime[index]
        case .recompute: recomputeTime[index]
        }
    }

    /// The memory delta of a pass; a forward of a recomputed cell keeps only `keptMemory`.
    @inline(__always)
    func memory(_ kind: OpKind, _ index: Int, recomputed: Bool) -> Double {
        switch kind {
        case .forward: recomputed ? keptMemory[index] : forwardMemory[index]
        case .backwardInput: inputMemory[index]
        case .backwardWeight: weightMemory[index]
        case .backward: fusedMemory[index]
        case .recompute: recomputeMemory[index]
        }
    }
}
