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
/// - `B` and `W` are unchanged, so the deltas of a cell still sum to zero.
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

    /// Memory delta of a pass when its cell is (or is not) recomputed: only a recomputed cell's
    /// forward differs, keeping `keptMemory`.
    @inline(__always)
    public func memoryDelta(_ op: Op, recomputed: Bool) -> Double {
        if recomputed, op.kind == .forward, let cost = recomputeCost(stage: op.stage, slice: op.slice) { return cost.keptMemory }
        return memoryDelta(op)
    }

    /// Whether some capped device runs a stage that offers recomputation or offloading: only then can
    /// a schedule with `R`, `O` or `L` passes beat every schedule without (actions only add time or
    /// constraints), so only then do searches that never take actions (classic families, the exact
    /// models) miss schedules.
    public var memoryActionsCanLowerPeak: Bool {
        hasMemoryActions && (0..<stageCount).contains { stage in
            cap(device: stageDevice[stage]).isFinite
                && (0..<sequenceSlices).contains { canRecompute(stage: stage, slice: $0) || canOffload(stage: stage, slice: $0) }
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
    /// (`LowerBound`). `self` when it has no actions.
    public var memoryRelaxation: Problem {
        guard hasMemoryActions else { return self }
        let relaxed = stages.map { stage in
            StageProfile(slices: stage.slices.map { costs in
                guard costs.recompute != nil || costs.offload != nil else { return costs }
                let kept = min(costs.recompute?.keptMemory ?? costs.memory.forward,
                               costs.memory.forward - (costs.offload?.memory ?? 0))
                var relaxed = costs
                relaxed.memory.backwardInput += costs.memory.forward - kept
                relaxed.memory.forward = kept
                relaxed.recompute = nil
                relaxed.offload = nil
                return relaxed
            }, staticMemory: stage.staticMemory)
        }
        // Same fields, lower per-cell minimum memory: it cannot fail where `self` was accepted.
        return (try? with(limits: ProblemLimits(maxPasses: .max, maxStages: .max, maxExactPairs: .max)) { $0.stages = relaxed }) ?? self
    }

    /// Checks a stage's recomputation costs: a finite time ≥ 0 and kept memory between 0 and what the
    /// forward allocates.
    static func checkMemoryActions(_ stage: StageProfile, at index: Int) throws(ProblemError) {
        let many = stage.slices.count > 1
        for (slice, costs) in stage.slices.enumerated() {
            guard let recompute = costs.recompute else { continue }
            let at = many ? "[\(slice)]" : ""
            guard recompute.time.isFinite, recompute.time >= 0 else {
                throw ProblemError(field: "stages[\(index)].recompute.time\(at)", message: "must be a finite time ≥ 0, got \(recompute.time)",
                                   fix: "give the duration of re-running this stage's forward")
            }
            try ProblemLimits.checkMagnitude(recompute.time, field: "stages[\(index)].recompute.time\(at)",
                                             fix: "give the duration of re-running this stage's forward")
            guard recompute.keptMemory.isFinite, recompute.keptMemory >= 0, recompute.keptMemory <= costs.memory.forward + 1e-12 else {
                throw ProblemError(field: "stages[\(index)].recompute.keptMemory\(at)",
                                   message: "is \(recompute.keptMemory); it must be between 0 and memory.forward (\(costs.memory.forward.readable))",
                                   fix: "give what the forward keeps when recomputed (the layer inputs), at most what it allocates")
            }
        }
    }
}
