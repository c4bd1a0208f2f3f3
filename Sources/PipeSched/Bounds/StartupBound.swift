/// The start-up bound (`../shared/research/bounds.md`).
///
/// - Device work: a device cannot finish its passes faster than their total duration.
/// - Start-up: a device's first pass is a forward of its first stage (every pass on it waits for
///   one), and every pass on it starts at least its head after that (the longest chain from the
///   same microbatch's forward of the first stage, `MicrobatchChains.startsAfter`). With several
///   pipelines (`Pipelines.swift`) each pipeline's passes on the device wait for the forward of its
///   own first stage there, which starts no sooner than the device's first pass (a forward of one of
///   those stages): heads are measured per pipeline, and the window below holds for all of them at
///   once. Until the earliest head of a backward (or of a forward that frees memory), memory only
///   grows: the passes
///   that can start in a window of length `t` are the forwards whose head is below `t`, and the
///   memory cap bounds how many (`forwardCapacity`, a fractional knapsack). The uncovered part of the
///   window is idle time. With several stages on a device (V, interleaved, wave) the later stages'
///   forwards only arrive after a microbatch has gone round the other devices, and until then the
///   device can only hold so many of its first stage's activations.
/// - Makespan also pays the forward chain before a device's earliest forward (its head) and one
///   microbatch's longest chain.
public enum StartupBound {
    /// The start-up bound on `objective`.
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let perDevice = (0..<problem.devices).map { deviceSpan(problem, device: $0, chains: chains) }
        let stageSpan = perDevice.max() ?? 0
        guard objective == .makespan else { return stageSpan }
        let starts = chains.earliestStarts
        let withHeads = (0..<problem.devices).map { device -> Double in
            // The device's first pass is a forward of one of its stages (of its first stage, with one pipeline).
            let head = problem.deviceStages[device].map { starts[chains.position(.forward, stage: $0, slice: 0)] }.min()!
            return head + perDevice[device]
        }.max() ?? 0
        return max(withHeads, chains.criticalPathLength)
    }

    /// A lower bound on one device's span: its work plus its unavoidable start-up idle time.
    public static func deviceSpan(_ problem: Problem, device: Int, chains: MicrobatchChains) -> Double {
        problem.work(device: device) + startupIdle(problem, device: device, chains: chains)
    }

    /// The idle time a device cannot avoid after its first pass: the most, over window lengths `t`
    /// up to the earliest head of a pass that frees memory or needs a backward, of `t` less the
    /// forward time the cap lets start in the window (the forwards whose head is below `t`).
    static func startupIdle(_ problem: Problem, device: Int, chains: MicrobatchChains) -> Double {
        // Per pipeline on the device, the heads from the forward of its first stage there.
        var heads: [Int: [Double]] = [:]
        for stage in problem.deviceStages[device] where heads[problem.pipeline(of: stage)] == nil {
            heads[problem.pipeline(of: stage)] = chains.startsAfter(chains.position(.forward, stage: stage, slice: 0))
        }
        var forwards: [(head: Double, stage: Int, slice: Int)] = []
        var end = Double.infinity
        for id in chains.passes.indices where chains.device[id] == device {
            let op = chains.passes[id]
            let head = max(0, heads[problem.pipeline(of: op.stage)]![id])
            if op.kind == .forward && problem.memoryDelta(.forward, stage: op.stage, slice: op.slice) >= 0 {
                forwards.append((head, op.stage, op.slice))
            } else {
                end = min(end, head)
            }
        }
        guard end.isFinite else { return 0 }
        var idle = 0.0
        for t in Set(forwards.map(\.head).filter { $0 < end } + [end]) {
            let open = Set(forwards.filter { $0.head < t }.map { [$0.stage, $0.slice] })
            idle = max(idle, t - forwardCapacity(problem, device: device) { open.contains([$0, $1]) })
        }
        return idle
    }

    /// Shortest time from the start of `F(stage, slice 0)` to the start of `B(stage, last slice)`: how
    /// long a microbatch is at least in flight on the stage.
    public static func window(_ problem: Problem, stage: Int, chains: MicrobatchChains) -> Double {
        chains.startsAfter(chains.position(.forward, stage: stage, slice: 0))[chains.position(.backwardInput, stage: stage, slice: problem.sequenceSlices - 1)]
    }

    /// The most forward time a device can run before its first backward: all the forwards of its
    /// stages' slices that `including` names, or less when the memory cap stops them (a
    /// fractional-knapsack bound).
    public static func forwardCapacity(_ problem: Problem, device: Int, including: (_ stage: Int, _ slice: Int) -> Bool = { _, _ in true }) -> Double {
        // (forward time, forward memory, how many) per stage and slice, and per microbatch when
        // microbatches differ.
        var items: [(time: Double, memory: Double, count: Double)] = []
        let scales = problem.costsVaryByMicrobatch ? (0..<problem.microbatches).map { problem.scale(microbatch: $0) } : [problem.scale(microbatch: 0)]
        let copies = Double(problem.microbatches / scales.count)
        for s in problem.deviceStages[device] {
            for slice in 0..<problem.sequenceSlices where including(s, slice) {
                let costs = problem.stages[s].costs(slice: slice)
                for scale in scales { items.append((scale.time * costs.forward, scale.memory * costs.memory.forward, copies)) }
            }
        }
        let all = items.reduce(0) { $0 + $1.count * $1.time }
        let budget = problem.cap(device: device) - problem.staticMemory(device: device)
        guard budget.isFinite else { return all }
        var free = 0.0
        var limited: [(time: Double, memory: Double, count: Double)] = []
        for item in items {
            if item.memory <= 0 { free += item.count * item.time } else { limited.append(item) }
        }
        limited.sort { $0.time / $0.memory > $1.time / $1.memory }
        var left = budget
        var total = free
        for item in limited where left > 0 {
            let take = min(item.count, left / item.memory)
            total += take * item.time
            left -= take * item.memory
        }
        return min(all, total)
    }
}
