/// A lower bound for memory-starved pipelines (Little's law on a device's memory).
///
/// A microbatch's forward on stage `s` holds its activations `ΔF` from the start of `F(s)` at least
/// until the start of its input-gradient pass, which cannot come sooner than the round trip `R(s)`
/// (the forward chain to the last stage and the gradient chain back, with latencies). Memory above
/// the static part never exceeds `cap − static` while the device runs, so over its span
///
///     span(d) · (cap(d) − static(d)) ≥ Σ_{s on d} Σ_{microbatches, slices} ΔF(s) · R(s)
///
/// With microbatch scales a microbatch holds its memory scale times `ΔF(s)`, so the sum over
/// microbatches is their total memory scale times `ΔF(s)`, over round trips of the chains' least
/// durations. This needs every cell to hold memory ≥ 0 at all times: true for a fused `BW` (it frees all of
/// `ΔF`), and for a split `B` when it frees no more than the forward allocated (`ΔF + ΔB ≥ 0`;
/// otherwise the device is skipped). Under tight caps it is far above device work: hetero p = 16,
/// m = 64 capped at 16 gives 1320 against 954. It bounds stageSpan and makespan alike.
public enum MemoryBound {
    /// The best bound over all devices (0 without caps).
    public static func value(_ problem: Problem, chains: MicrobatchChains) -> Double {
        (0..<problem.devices).map { deviceSpan(problem, device: $0, chains: chains) }.max() ?? 0
    }

    /// The bound on one device's span, or 0 when it has no cap or a pass breaks the assumptions.
    public static func deviceSpan(_ problem: Problem, device: Int, chains: MicrobatchChains) -> Double {
        let room = problem.cap(device: device) - problem.staticMemory(device: device)
        guard room.isFinite, room > 0 else { return 0 }
        var held = 0.0
        for stage in problem.deviceStages[device] {
            for slice in 0..<problem.sequenceSlices {
                let allocated = problem.memoryDelta(.forward, stage: stage, slice: slice)
                guard allocated + problem.memoryDelta(.backwardInput, stage: stage, slice: slice) >= 0 else { return 0 }
                guard allocated > 0 else { continue }
                held += allocated * roundTrip(chains, stage: stage, slice: slice)
            }
        }
        return problem.scaleSummary.totalMemory * held / room
    }

    /// Longest dependency chain from the start of `F(stage, slice)` to the start of the input-gradient
    /// pass of the same cell.
    public static func roundTrip(_ chains: MicrobatchChains, stage: Int, slice: Int) -> Double {
        let starts = chains.startsAfter(chains.position(.forward, stage: stage, slice: slice))
        return max(0, starts[chains.position(.backwardInput, stage: stage, slice: slice)])
    }
}
