/// What recomputing one stage's slice costs: the schedule may choose, per (stage, microbatch, slice),
/// to keep the forward's activations or to keep only `keptMemory` (the layer inputs) and re-run the
/// forward in a recomputation pass `R` before the backward.
///
/// Activation checkpointing (Chen et al., "Training Deep Nets with Sublinear Memory Cost", 2016),
/// chosen per stage as in AdaPipe (Sun et al., ASPLOS 2024) and DawnPiper, per microbatch and placed
/// in idle time as in Mario (Liu et al., PPoPP 2025). For a recomputed cell:
///
/// - `F` allocates `keptMemory` instead of `memory.forward`;
/// - `R` (compute stream, after `F`, before the cell's `B` or `BW`) lasts `time` and allocates
///   `memory.forward − keptMemory`, the activations it rebuilds;
/// - `B` and `W` are unchanged, so the deltas of a cell still sum to what they did.
public struct RecomputeCost: Sendable, Hashable, Codable {
    /// Duration of the recomputation pass `R` (the forward re-run, in the problem's time unit).
    public var time: Double
    /// Memory the forward keeps when its cell is recomputed (0 ≤ keptMemory ≤ memory.forward).
    public var keptMemory: Double

    public init(time: Double, keptMemory: Double) {
        self.time = time
        self.keptMemory = keptMemory
    }
}

extension Problem {
    /// The recomputation a stage's slice offers, `nil` when its forward always keeps its activations.
    @inline(__always)
    public func recomputeCost(stage: Int, slice: Int) -> RecomputeCost? { stages[stage].costs(slice: slice).recompute }

    /// Whether the cells of a stage's slice may be recomputed.
    @inline(__always)
    public func canRecompute(stage: Int, slice: Int) -> Bool { hasMemoryActions && recomputeCost(stage: stage, slice: slice) != nil }

    /// Memory the recomputation pass `R` of a stage's slice allocates: the activations it rebuilds.
    public func rematerializedMemory(stage: Int, slice: Int) -> Double {
        guard let cost = recomputeCost(stage: stage, slice: slice) else { return 0 }
        return memoryDelta(.forward, stage: stage, slice: slice) - cost.keptMemory
    }

    /// Memory delta of a pass of `kind` on a stage's slice when its cell is (or is not) recomputed,
    /// for a microbatch that costs exactly its profile: only a recomputed cell's forward differs,
    /// keeping `keptMemory`.
    @inline(__always)
    public func memoryDelta(_ kind: OpKind, stage: Int, slice: Int, recomputed: Bool) -> Double {
        if recomputed, kind == .forward, let cost = recomputeCost(stage: stage, slice: slice) { return cost.keptMemory }
        return memoryDelta(kind, stage: stage, slice: slice)
    }

    /// Memory delta of an operation when its cell is (or is not) recomputed, scaled to its microbatch.
    @inline(__always)
    public func memoryDelta(_ op: Op, recomputed: Bool) -> Double {
        memoryDelta(op.kind, stage: op.stage, slice: op.slice, recomputed: recomputed) * scale(microbatch: op.microbatch).memory
    }

    /// Whether some capped device runs a stage that offers recomputation or offloading: only then can
    /// a schedule with `R`, `O` or `L` passes beat every schedule without (actions only add time or
    /// constraints), so only then do searches that never take actions (classic families, the exact
    /// models) miss schedules.
    public var memoryActionsCanLowerPeak: Bool { recomputationCanLowerPeak || offloadingCanLowerPeak }

    /// Whether some capped device runs a stage that offers recomputation.
    public var recomputationCanLowerPeak: Bool { cappedStageOffers(canRecompute) }

    /// Whether some capped device runs a stage that offers offloading (only then can an offload beat
    /// every schedule without one).
    public var offloadingCanLowerPeak: Bool { cappedStageOffers(canOffload) }

    /// Whether some slice of a stage on a capped device satisfies `offers`.
    private func cappedStageOffers(_ offers: (_ stage: Int, _ slice: Int) -> Bool) -> Bool {
        hasMemoryActions && (0..<stageCount).contains { stage in
            cap(device: stageDevice[stage]).isFinite && (0..<sequenceSlices).contains { offers(stage, $0) }
        }
    }

    /// The (stage, microbatch, slice) cells a device order recomputes: those with an `R` pass.
    func recomputedCells<Passes: Collection<Op>>(in order: Passes) -> Set<Cell> {
        guard hasMemoryActions else { return [] }
        var cells = Set<Cell>()
        for op in order where op.kind == .recompute { cells.insert(Cell(op)) }
        return cells
    }

    /// The problem without memory actions whose every forward keeps only what recomputation or
    /// offloading would leave on the device (the least of the two), the rest being allocated by the
    /// input-gradient pass instead: durations are unchanged and, for any schedule of `self` with its
    /// `R`, `O` and `L` passes dropped, memory is never higher at any point (an offloaded cell holds
    /// its memory from `F` to the end of `O` and again from the start of `L`, before its backward),
    /// and no compute pass waits longer. Its lower bounds are therefore lower bounds of `self`
    /// (`LowerBound`). Memory held to the step's end is relaxed too (`stepEndRelaxation`). `self`
    /// when it has neither.
    public var memoryRelaxation: Problem {
        guard hasMemoryActions else { return stepEndRelaxation }
        let relaxed = stages.map { stage in
            StageProfile(slices: stage.slices.map { costs in
                guard costs.recompute != nil || costs.offload != nil else { return costs }
                return costs.keepingOnly(min(costs.recompute?.keptMemory ?? costs.memory.forward,
                                             costs.memory.forward - (costs.offload?.memory ?? 0)))
            }, staticMemory: stage.staticMemory)
        }
        // Same fields, lower per-cell minimum memory: it cannot fail where `self` was accepted.
        return ((try? with(limits: .unlimited) { $0.stages = relaxed }) ?? self).stepEndRelaxation
    }

    /// Checks a stage's recomputation costs: a finite time ≥ 0 and kept memory between 0 and what the
    /// forward allocates.
    static func checkMemoryActions(_ stage: StageProfile, at index: Int) throws(ProblemError) {
        for (slice, costs) in stage.slices.enumerated() {
            guard let recompute = costs.recompute else { continue }
            try checkActionCost(stage, at: index, slice: slice, action: "recompute", time: recompute.time,
                                timeFix: "give the duration of re-running this stage's forward",
                                memory: ("keptMemory", recompute.keptMemory),
                                memoryFix: "give what the forward keeps when recomputed (the layer inputs), at most what it allocates")
        }
    }

    /// Checks one memory action's cost on a stage's slice (`stages[i].ACTION.*`, with `[slice]` when
    /// the stage lists several): a finite time ≥ 0, and a memory between 0 and what the forward
    /// allocates.
    static func checkActionCost(_ stage: StageProfile, at index: Int, slice: Int, action: String, time: Double, timeFix: String,
                                memory: (key: String, value: Double), memoryFix: String) throws(ProblemError) {
        let at = stage.slices.count > 1 ? "[\(slice)]" : ""
        let forward = stage.slices[slice].memory.forward
        guard time.isFinite, time >= 0 else {
            throw ProblemError(field: "stages[\(index)].\(action).time\(at)", message: "must be a finite time ≥ 0, got \(time)", fix: timeFix)
        }
        try ProblemLimits.checkMagnitude(time, field: "stages[\(index)].\(action).time\(at)", fix: timeFix)
        guard memory.value.isFinite, memory.value >= 0, memory.value <= forward + 1e-12 else {
            throw ProblemError(field: "stages[\(index)].\(action).\(memory.key)\(at)",
                               message: "is \(memory.value); it must be between 0 and memory.forward (\(forward.readable))", fix: memoryFix)
        }
    }
}

extension PassCosts {
    /// These costs without memory actions, the forward keeping only `kept` and the input-gradient
    /// pass allocating the rest back: the shape of the bounds' relaxation (`Problem.memoryRelaxation`)
    /// and of the offloading plan (`OffloadPlanning`). The deltas still sum to what they did.
    func keepingOnly(_ kept: Double) -> PassCosts {
        var costs = self
        costs.memory.backwardInput += memory.forward - kept
        costs.memory.forward = kept
        costs.recompute = nil
        costs.offload = nil
        return costs
    }
}
