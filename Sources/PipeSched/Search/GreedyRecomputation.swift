/// The greedy's recomputation decisions (`GreedyPolicy.memoryActions`): which cells it recomputes
/// and which of their `R` passes have run.
///
/// Decided at a microbatch's admission at a device's first stage. `whenBlocked`: when the cap blocks
/// it, the greedy recomputes that microbatch on the device's stages that offer it, cheapest first by
/// added time per byte freed (`RecomputeCost.time / (memory.forward − keptMemory)`), until it fits
/// with room left for the largest rematerialisation of the device (so an `R` can always run
/// eventually). `everyMicrobatch`: on every such stage whenever that fits (a microbatch admitted
/// before the cap binds then no longer fills it). The `R` of a cell runs when its backward is otherwise ready (on the critical path)
/// or earlier when the device would idle (in a bubble, as Mario places it).
struct GreedyRecomputation {
    let mode: GreedyPolicy.MemoryActions
    let enabled: Bool
    let units: Int
    /// Per stage and cell: whether the cell is recomputed, and whether its `R` has run.
    private(set) var marked: [Bool]
    private(set) var done: [Bool]
    /// Per device and slice: the device's stages that can recompute the slice, cheapest first.
    let candidates: [[Int]]
    /// Per device: the largest memory one `R` of the device allocates (for the microbatch that holds
    /// the most, with microbatch scales).
    let headroom: [Double]
    /// Per device: recomputed cells whose `R` has not run.
    private(set) var pending: [Int]
    let slices: Int
    /// Per stage and slice (`stage × slices + slice`): what a recomputed forward frees
    /// (`Problem.rematerializedMemory`), read here so that a decision does not take the problem.
    let rematerialized: [Double]

    init(problem: Problem, mode: GreedyPolicy.MemoryActions, units: Int) {
        self.mode = mode
        self.enabled = mode != .none && Self.applies(to: problem)
        self.units = units
        let count = self.enabled ? problem.stageCount * units : 0
        marked = Array(repeating: false, count: count)
        done = Array(repeating: false, count: count)
        let slices = problem.sequenceSlices
        let enabled = self.enabled
        candidates = !enabled ? [] : problem.deviceStages.flatMap { stages in
            (0..<slices).map { slice in
                stages.filter { problem.canRecompute(stage: $0, slice: slice) && problem.rematerializedMemory(stage: $0, slice: slice) > 0 }
                    .sorted { a, b in
                        let ca = problem.duration(.recompute, stage: a, slice: slice) / problem.rematerializedMemory(stage: a, slice: slice)
                        let cb = problem.duration(.recompute, stage: b, slice: slice) / problem.rematerializedMemory(stage: b, slice: slice)
                        return ca < cb || (ca == cb && a < b)
                    }
            }
        }
        pending = Array(repeating: 0, count: problem.devices)
        self.slices = slices
        rematerialized = !enabled ? [] : (0..<problem.stageCount).flatMap { stage in
            (0..<slices).map { problem.rematerializedMemory(stage: stage, slice: $0) }
        }
        headroom = !enabled ? [] : problem.deviceStages.map { stages in
            problem.scaleSummary.mostMemory
                * (stages.flatMap { stage in (0..<slices).map { problem.rematerializedMemory(stage: stage, slice: $0) } }.max() ?? 0)
        }
    }

    /// Whether recomputation can lower the greedy's peak on `problem`: some stage offers it
    /// (`Problem.memoryActionsCanLowerPeak`) and the problem has one pipeline (the choice is made for
    /// a microbatch over all of its device's stages, which with several pipelines hold different
    /// microbatches).
    static func applies(to problem: Problem) -> Bool { problem.memoryActionsCanLowerPeak && problem.pipelines == 1 }

    @inline(__always) func isMarked(stage: Int, cell: Int) -> Bool { enabled && marked[stage * units + cell] }

    /// Whether the cell is recomputed and its `R` has not run yet (its backward must wait).
    @inline(__always) func isPending(stage: Int, cell: Int) -> Bool {
        enabled && marked[stage * units + cell] && !done[stage * units + cell]
    }

    /// The stages on which to recompute a new microbatch on `device` whose forwards, with the memory
    /// in use and promised, need `need` against `cap`: `[]` to keep everything, `nil` when it does
    /// not fit either way. `memoryScale` is the microbatch's (`MicrobatchScale.memory`).
    func stagesToRecompute(device: Int, slice: Int, memoryScale: Double, need: Double, cap: Double) -> [Int]? {
        let fitsAsIs = need + reserve(device: device) <= cap + 1e-9
        guard enabled else { return fitsAsIs ? [] : nil }
        let candidates = candidates[device * slices + slice]
        if mode == .everyMicrobatch {
            let freed = memoryScale * candidates.reduce(0) { $0 + rematerialized[$1 * slices + slice] }
            if !candidates.isEmpty && need - freed + headroom[device] <= cap + 1e-9 { return candidates }
            return fitsAsIs ? [] : nil
        }
        if fitsAsIs { return [] }
        var need = need + headroom[device]
        var chosen: [Int] = []
        for stage in candidates {
            guard need > cap + 1e-9 else { break }
            need -= memoryScale * rematerialized[stage * slices + slice]
            chosen.append(stage)
        }
        return need <= cap + 1e-9 && !chosen.isEmpty ? chosen : nil
    }

    /// Memory a device keeps free for the `R` of a pending recomputed cell when admitting more work.
    @inline(__always) func reserve(device: Int) -> Double { enabled && pending[device] > 0 ? headroom[device] : 0 }

    mutating func mark(stage: Int, cell: Int, device: Int) {
        marked[stage * units + cell] = true
        pending[device] += 1
    }

    mutating func markDone(stage: Int, cell: Int, device: Int) {
        done[stage * units + cell] = true
        pending[device] -= 1
    }
}

extension State {
    /// At a microbatch's admission on `device`: recompute it on the stages
    /// `GreedyRecomputation.stagesToRecompute` picks, and promise only what those forwards keep.
    mutating func admitRecomputed(cell: Int, device: Int) {
        guard recomputation.enabled else { return }
        let slice = cell % slices
        let scale = setup.passes.memoryScale(microbatch: cell / slices)
        // `reserved` already holds this microbatch's forwards.
        let stages = recomputation.stagesToRecompute(device: device, slice: slice, memoryScale: scale,
                                                     need: level[device] + reserved[device], cap: setup.caps[device]) ?? []
        for stage in stages {
            recomputation.mark(stage: stage, cell: cell, device: device)
            reserved[device] -= scale * recomputation.rematerialized[stage * slices + slice]
            remaining[device] += 1
            addedPasses += 1
        }
    }

    /// A recomputed cell whose backward comes next on `stage`: its `R` is urgent once the backward is
    /// otherwise ready, and may run early (in idle time) once its forward has ended, when the memory
    /// it rebuilds fits.
    func considerRecompute(_ stage: Int, cell: Int, device: Int, backwardReady: Double, now: Double,
                           urgent: inout Int?, early: inout Int?, memoryBlocked: inout Bool, nextKnown: inout Double) {
        let ready = self.ready(.recompute, stage: stage, cell: cell)
        guard ready <= now else {
            nextKnown = min(nextKnown, ready)
            return
        }
        let need = setup.passes.memory(.recompute, stage * slices + cell % slices, microbatch: cell / slices)
        guard level[device] + reserved[device] + need <= setup.caps[device] + 1e-9 else {
            memoryBlocked = true
            return
        }
        if backwardReady <= now {
            if urgent == nil { urgent = stage }
        } else if early == nil {
            early = stage
        }
    }
}
