/// Durations and memory deltas of every pass kind per (stage, slice), read once from the problem's
/// one accounting (`Problem.duration`, `Problem.memoryDelta(_:recomputed:)`) into flat arrays, for
/// hot loops that ask millions of times (the greedy list scheduler and its re-timing).
///
/// Index: `stage × sequenceSlices + slice`.
struct PassTable: Sendable {
    let forwardTime: Scratch<Double>
    let inputTime: Scratch<Double>
    let weightTime: Scratch<Double>
    let fusedTime: Scratch<Double>
    let recomputeTime: Scratch<Double>
    let forwardMemory: Scratch<Double>
    /// What a forward keeps when its cell is recomputed (its `forwardMemory` where it cannot be).
    let keptMemory: Scratch<Double>
    let inputMemory: Scratch<Double>
    let weightMemory: Scratch<Double>
    let fusedMemory: Scratch<Double>
    let recomputeMemory: Scratch<Double>

    init(_ problem: Problem) {
        func table(_ value: (Int, Int) -> Double) -> [Double] {
            (0..<problem.stageCount).flatMap { stage in (0..<problem.sequenceSlices).map { value(stage, $0) } }
        }
        func time(_ kind: OpKind) -> Scratch<Double> { Scratch(table { problem.duration(kind, stage: $0, slice: $1) }) }
        func memory(_ kind: OpKind) -> Scratch<Double> { Scratch(table { problem.memoryDelta(kind, stage: $0, slice: $1) }) }
        forwardTime = time(.forward)
        inputTime = time(.backwardInput)
        weightTime = time(.backwardWeight)
        fusedTime = time(.backward)
        recomputeTime = time(.recompute)
        forwardMemory = memory(.forward)
        keptMemory = Scratch(table { problem.memoryDelta(Op(.forward, stage: $0, microbatch: 0, slice: $1), recomputed: true) })
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
        case .offload, .reload: 0  // the list scheduler never offloads
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
        case .offload, .reload: 0  // the list scheduler never offloads
        }
    }
}
