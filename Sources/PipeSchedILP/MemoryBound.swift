import PipeSched

/// A lower bound for memory-starved pipelines (Little's law on a device's memory).
///
/// A microbatch's forward on stage `s` holds its activations `ΔF` from the start of `F(s)` at least
/// until the start of its input-gradient pass, which cannot come sooner than the round trip `R(s)`
/// (the forward chain to the last stage and the gradient chain back, with latencies). Memory above
/// the static part never exceeds `cap − static` while the device runs, so over its span
///
///     span(d) · (cap(d) − static(d)) ≥ Σ_{s on d} Σ_{microbatches, slices} ΔF(s) · R(s)
///
/// This holds for split and fused backward passes alike, provided the input-gradient pass frees no
/// more than the forward allocated (`ΔF + ΔB ≥ 0`; otherwise the device is skipped). Under tight caps
/// it is far above device work: hetero p = 16, m = 64 capped at 16 gives 1320 against 954.
public enum MemoryBound {
    /// The best bound over all devices (0 without caps); it bounds stageSpan and makespan alike.
    public static func value(_ problem: Problem) -> Double {
        (0..<problem.devices).map { deviceSpan(problem, device: $0) }.max() ?? 0
    }

    /// The bound on one device's span, or 0 when it has no cap or a pass breaks the assumptions.
    public static func deviceSpan(_ problem: Problem, device: Int) -> Double {
        let room = problem.cap(device: device) - problem.staticMemory(device: device)
        guard room.isFinite, room > 0 else { return 0 }
        var held = 0.0
        for stage in problem.deviceStages[device] {
            for slice in 0..<problem.sequenceSlices {
                let allocated = problem.memoryDelta(.forward, stage: stage, slice: slice)
                guard allocated + problem.memoryDelta(.backwardInput, stage: stage, slice: slice) >= 0 else { return 0 }
                held += allocated * roundTrip(problem, stage: stage, slice: slice)
            }
        }
        return Double(problem.microbatches) * held / room
    }

    /// Longest dependency chain from the start of `F(stage, slice)` to the start of the input-gradient
    /// pass of the same cell, for one microbatch (costs do not depend on the microbatch).
    static func roundTrip(_ problem: Problem, stage: Int, slice: Int) -> Double {
        let slices = problem.sequenceSlices, stages = problem.stageCount
        func index(_ s: Int, _ k: Int) -> Int { s * slices + k }
        var forward = [Double](repeating: -.infinity, count: stages * slices)  // start times
        var backward = [Double](repeating: -.infinity, count: stages * slices)
        forward[index(stage, slice)] = 0
        func latency(_ a: Int, _ b: Int) -> Double { problem.communication.latency(from: problem.stageDevice[a], to: problem.stageDevice[b]) }
        func end(_ start: Double, _ kind: OpKind, _ s: Int, _ k: Int) -> Double { start + problem.duration(kind, stage: s, slice: k) }
        for s in 0..<stages {
            for k in 0..<slices {
                var start = forward[index(s, k)]
                if s > 0 { start = max(start, end(forward[index(s - 1, k)], .forward, s - 1, k) + latency(s - 1, s)) }
                if k > 0 { start = max(start, end(forward[index(s, k - 1)], .forward, s, k - 1)) }
                forward[index(s, k)] = start
            }
        }
        for s in stride(from: stages - 1, through: 0, by: -1) {
            for k in stride(from: slices - 1, through: 0, by: -1) {
                var start = forward[index(s, k)] + problem.duration(.forward, stage: s, slice: k)
                if s < stages - 1 { start = max(start, end(backward[index(s + 1, k)], .backwardInput, s + 1, k) + latency(s + 1, s)) }
                if k < slices - 1 { start = max(start, end(backward[index(s, k + 1)], .backwardInput, s, k + 1)) }
                backward[index(s, k)] = start
            }
        }
        return max(0, backward[index(stage, slice)])
    }
}
