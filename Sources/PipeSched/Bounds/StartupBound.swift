/// The start-up bound (`../shared/research/bounds.md`).
///
/// - Device work: a device cannot finish its passes faster than their total duration.
/// - Start-up: after a device's first pass, no backward pass can start on it until one microbatch has
///   gone forward to the last stage and its gradient has come back (`window`). Until then it can only
///   run forwards, and its memory cap bounds how many (`forwardCapacity`). The uncovered part of that
///   window is idle time.
/// - Makespan also pays the forward chain before a device's first stage (its head) and one
///   microbatch's longest chain.
public enum StartupBound {
    /// The start-up bound on `objective`.
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let perDevice = (0..<problem.devices).map { deviceSpan(problem, device: $0, chains: chains) }
        let stageSpan = perDevice.max() ?? 0
        guard objective == .makespan else { return stageSpan }
        let starts = chains.earliestStarts
        let withHeads = (0..<problem.devices).map { device -> Double in
            let first = problem.deviceStages[device][0]
            return starts[chains.position(.forward, stage: first, slice: 0)] + perDevice[device]
        }.max() ?? 0
        return max(withHeads, chains.criticalPathLength)
    }

    /// A lower bound on one device's span: its work plus its unavoidable start-up idle time.
    public static func deviceSpan(_ problem: Problem, device: Int, chains: MicrobatchChains) -> Double {
        let idle = window(problem, device: device, chains: chains) - forwardCapacity(problem, device: device)
        return problem.work(device: device) + max(0, idle)
    }

    /// Shortest time from the start of a forward on this device to the earliest backward it enables
    /// on this device: from the start of `F(s, slice 0)` to the start of `B(s, last slice)`, over the
    /// device's stages `s`.
    public static func window(_ problem: Problem, device: Int, chains: MicrobatchChains) -> Double {
        problem.deviceStages[device].map { window(problem, stage: $0, chains: chains) }.min() ?? 0
    }

    /// Shortest time from the start of `F(stage, slice 0)` to the start of `B(stage, last slice)`: how
    /// long a microbatch is at least in flight on the stage.
    public static func window(_ problem: Problem, stage: Int, chains: MicrobatchChains) -> Double {
        chains.startsAfter(chains.position(.forward, stage: stage, slice: 0))[chains.position(.backwardInput, stage: stage, slice: problem.sequenceSlices - 1)]
    }

    /// The most forward time a device can run before its first backward: all its forwards, or fewer
    /// when the memory cap stops them (a fractional-knapsack bound over its stages).
    public static func forwardCapacity(_ problem: Problem, device: Int) -> Double {
        let stages = problem.deviceStages[device]
        // (forward time, forward memory, how many) per stage, or per stage and slice when slices differ,
        // and per microbatch when microbatches differ.
        var items: [(time: Double, memory: Double, count: Double)] = []
        let scales = problem.costsVaryByMicrobatch ? (0..<problem.microbatches).map { problem.scale(microbatch: $0) } : [problem.scale(microbatch: 0)]
        let copies = Double(problem.microbatches / scales.count)
        for s in stages {
            let profile = problem.stages[s]
            for scale in scales {
                if profile.isUniform {
                    items.append((scale.time * profile.forward, scale.memory * profile.memory.forward, copies * Double(problem.sequenceSlices)))
                } else {
                    items += profile.slices.map { (scale.time * $0.forward, scale.memory * $0.memory.forward, copies) }
                }
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
