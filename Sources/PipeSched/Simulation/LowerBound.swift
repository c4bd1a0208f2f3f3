/// Lower bounds on the objective that every schedule of a problem must meet.
///
/// Each bound is a small function; `value` takes the best of them.
/// - Device work: a device cannot finish its passes faster than their total duration.
/// - Start-up: after a device's first pass, no backward pass can start on it until one microbatch has
///   gone forward to the last stage and its gradient has come back (`startupWindow`). Until then it
///   can only run forwards, and its memory cap bounds how many (`forwardCapacity`). The uncovered part
///   of that window is idle time.
/// - Makespan also pays the forward chain before a device's first stage and one microbatch's full
///   forward and backward chain.
public enum LowerBound {
    /// The best lower bound on `objective`.
    public static func value(_ problem: Problem, objective: Objective) -> Double {
        let perDevice = (0..<problem.devices).map { deviceSpan(problem, device: $0) }
        let stageSpan = perDevice.max() ?? 0
        guard objective == .makespan else { return stageSpan }
        let withHeads = (0..<problem.devices).map { head(problem, device: $0) + perDevice[$0] }.max() ?? 0
        return max(withHeads, microbatchChain(problem))
    }

    /// A lower bound on one device's span: its work plus its unavoidable start-up idle time.
    public static func deviceSpan(_ problem: Problem, device: Int) -> Double {
        let window = startupWindow(problem, device: device)
        return problem.work(device: device) + max(0, window - forwardCapacity(problem, device: device))
    }

    /// Shortest time from the start of a forward on this device to the earliest backward it enables
    /// on this device: the rest of the forward chain, the backward chain back, and the link latency.
    public static func startupWindow(_ problem: Problem, device: Int) -> Double {
        problem.deviceStages[device].map { roundTrip(problem, from: $0) }.min() ?? 0
    }

    /// Time from the start of `F(stage)` to the earliest start of `B(stage)` for one microbatch.
    ///
    /// With slices it is the longest chain from the first slice's forward to the start of the last
    /// slice's input-gradient pass: forwards move to the next stage (with the link latency) or the next
    /// slice, then the last slice's gradient comes back.
    static func roundTrip(_ problem: Problem, from stage: Int) -> Double {
        let slices = problem.sequenceSlices
        // chain[j]: longest forward chain from the start of F(stage, 0) to the end of F(k, j).
        var chain = [Double](repeating: 0, count: slices)
        for k in stage...problem.lastStage {
            let latency = k > stage ? problem.communication.latency(from: problem.stageDevice[k - 1], to: problem.stageDevice[k]) : 0
            for j in 0..<slices {
                var before = k > stage ? chain[j] + latency : (j == 0 ? 0 : -Double.infinity)
                if j > 0 { before = max(before, chain[j - 1]) }
                chain[j] = before + problem.duration(.forward, stage: k, slice: j)
            }
        }
        var time = chain[slices - 1]
        for k in stride(from: problem.lastStage, to: stage, by: -1) {
            time += problem.duration(.backwardInput, stage: k, slice: slices - 1)
            time += problem.communication.latency(from: problem.stageDevice[k], to: problem.stageDevice[k - 1])
        }
        return time
    }

    /// The most forward time a device can run before its first backward: all its forwards, or fewer
    /// when the memory cap stops them (a fractional-knapsack bound over its stages).
    public static func forwardCapacity(_ problem: Problem, device: Int) -> Double {
        let stages = problem.deviceStages[device]
        // (forward time, forward memory, how many) per stage, or per stage and slice when slices differ.
        var items: [(time: Double, memory: Double, count: Double)] = []
        for s in stages {
            let profile = problem.stages[s]
            if profile.isUniform {
                items.append((profile.forward, profile.memory.forward, Double(problem.microbatches * problem.sequenceSlices)))
            } else {
                items += profile.slices.map { ($0.forward, $0.memory.forward, Double(problem.microbatches)) }
            }
        }
        let uniform = stages.allSatisfy { problem.stages[$0].isUniform }
        let count = Double(problem.microbatches * problem.sequenceSlices)
        let all = uniform ? count * items.reduce(0) { $0 + $1.time } : items.reduce(0) { $0 + $1.count * $1.time }
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

    /// Earliest possible start of any pass on a device: the forward chain before its first stage.
    static func head(_ problem: Problem, device: Int) -> Double {
        guard let first = problem.deviceStages[device].first else { return 0 }
        var time = 0.0
        for k in 0..<first {
            time += problem.duration(.forward, stage: k, slice: 0) + problem.communication.latency(from: problem.stageDevice[k], to: problem.stageDevice[k + 1])
        }
        return time
    }

    /// One microbatch's forward through every stage, backward through every stage (stage 0's slices
    /// last to first), then stage 0's W of slice 0.
    static func microbatchChain(_ problem: Problem) -> Double {
        var time = roundTrip(problem, from: 0)
        for slice in (0..<problem.sequenceSlices).reversed() {
            time += problem.duration(.backwardInput, stage: 0, slice: slice)
        }
        return time + problem.duration(.backwardWeight, stage: 0, slice: 0)
    }
}
