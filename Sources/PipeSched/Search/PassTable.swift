/// Durations and memory deltas of every pass kind per (stage, slice), read once from the problem's
/// one accounting (`Problem.duration`, `Problem.memoryDelta(_:recomputed:)`) into flat arrays, for
/// hot loops that ask millions of times (the greedy list scheduler and its re-timing). Each value is
/// a profile's, times its microbatch's scale (`MicrobatchScale`), as `Problem.duration(_ op:)` has it.
///
/// Index: `stage × sequenceSlices + slice`, with the microbatch.
struct PassTable: Sendable {
    private let forwardTime: Scratch<Double>
    private let inputTime: Scratch<Double>
    private let weightTime: Scratch<Double>
    private let fusedTime: Scratch<Double>
    private let recomputeTime: Scratch<Double>
    private let forwardMemory: Scratch<Double>
    /// What a forward keeps when its cell is recomputed (its `forwardMemory` where it cannot be).
    private let keptMemory: Scratch<Double>
    private let inputMemory: Scratch<Double>
    private let weightMemory: Scratch<Double>
    private let fusedMemory: Scratch<Double>
    private let recomputeMemory: Scratch<Double>
    /// Per microbatch: its time and memory scales (all 1 without `Problem.microbatchScales`).
    private let timeScale: Scratch<Double>
    private let memoryScale: Scratch<Double>

    init(_ problem: Problem) {
        let slices = problem.sequenceSlices
        func table(_ value: (Int, Int) -> Double) -> Scratch<Double> {
            let table = Scratch<Double>(repeating: 0, count: problem.stageCount * slices)
            for stage in 0..<problem.stageCount { for slice in 0..<slices { table[stage * slices + slice] = value(stage, slice) } }
            return table
        }
        func time(_ kind: OpKind) -> Scratch<Double> { table { problem.duration(kind, stage: $0, slice: $1) } }
        func memory(_ kind: OpKind) -> Scratch<Double> { table { problem.memoryDelta(kind, stage: $0, slice: $1) } }
        forwardTime = time(.forward)
        inputTime = time(.backwardInput)
        weightTime = time(.backwardWeight)
        fusedTime = time(.backward)
        recomputeTime = time(.recompute)
        forwardMemory = memory(.forward)
        keptMemory = table { problem.memoryDelta(.forward, stage: $0, slice: $1, recomputed: true) }
        inputMemory = memory(.backwardInput)
        weightMemory = memory(.backwardWeight)
        fusedMemory = memory(.backward)
        recomputeMemory = memory(.recompute)
        timeScale = Scratch((0..<problem.microbatches).map { problem.scale(microbatch: $0).time })
        memoryScale = Scratch((0..<problem.microbatches).map { problem.scale(microbatch: $0).memory })
    }

    /// The duration of a pass of `kind` at `index` for `microbatch`.
    @inline(__always)
    func time(_ kind: OpKind, _ index: Int, microbatch: Int) -> Double {
        let base: Double = switch kind {
        case .forward: forwardTime[index]
        case .backwardInput: inputTime[index]
        case .backwardWeight: weightTime[index]
        case .backward: fusedTime[index]
        case .recompute: recomputeTime[index]
        case .offload, .reload: 0  // the list scheduler never offloads
        }
        return base * timeScale[microbatch]
    }

    /// The memory delta of a pass of `kind` at `index` for `microbatch`; a forward of a recomputed
    /// cell keeps only `keptMemory`.
    @inline(__always)
    func memory(_ kind: OpKind, _ index: Int, recomputed: Bool = false, microbatch: Int) -> Double {
        let base: Double = switch kind {
        case .forward: recomputed ? keptMemory[index] : forwardMemory[index]
        case .backwardInput: inputMemory[index]
        case .backwardWeight: weightMemory[index]
        case .backward: fusedMemory[index]
        case .recompute: recomputeMemory[index]
        case .offload, .reload: 0  // the list scheduler never offloads
        }
        return base * memoryScale[microbatch]
    }

    /// Memory a split input-gradient pass at `index` takes beyond what is committed when it runs:
    /// its own delta plus what its `W` will allocate later (the scheduler reserves that when `B`
    /// runs).
    @inline(__always)
    func splitBackwardNeed(_ index: Int, microbatch: Int) -> Double {
        memory(.backwardInput, index, microbatch: microbatch) + max(0, memory(.backwardWeight, index, microbatch: microbatch))
    }

    /// `microbatch`'s memory scale, for amounts the scheduler sums from several passes.
    @inline(__always)
    func memoryScale(microbatch: Int) -> Double { memoryScale[microbatch] }
    /// Every microbatch's memory scale, for code that must not take the whole table.
    var memoryScales: Scratch<Double> { memoryScale }

    /// The profile's forward memory at `index` (scale it with `memoryScale(microbatch:)`).
    @inline(__always)
    func profileForwardMemory(_ index: Int) -> Double { forwardMemory[index] }
}
