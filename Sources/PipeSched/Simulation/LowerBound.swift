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
    static func roundTrip(_ problem: Problem, from stage: Int) -> Double {
        var time = 0.0
        for k in stage...problem.lastStage {
            time += problem.stages[k].forward
            if k < problem.lastStage {
                time += problem.communication.latency(from: problem.stageDevice[k], to: problem.stageDevice[k + 1])
            }
        }
        for k in stride(from: problem.lastStage, to: stage, by: -1) {
            time += problem.stages[k].backwardInput
            time += problem.communication.latency(from: problem.stageDevice[k], to: problem.stageDevice[k - 1])
        }
        return time
    }

    /// The most forward time a device can run before its first backward: all its forwards, or fewer
    /// when the memory cap stops them (a fractional-knapsack bound over its stages).
    public static func forwardCapacity(_ problem: Problem, device: Int) -> Double {
        let stages = problem.deviceStages[device]
        let count = Double(problem.microbatches * problem.sequenceSlices)
        let all = count * stages.reduce(0) { $0 + problem.stages[$1].forward }
        let budget = problem.cap(device: device) - problem.staticMemory(device: device)
        guard budget.isFinite else { return all }
        var free = 0.0
        var items: [(time: Double, memory: Double)] = []
        for s in stages {
            let profile = problem.stages[s]
            if profile.memory.forward <= 0 { free += count * profile.forward } else { items.append((profile.forward, profile.memory.forward)) }
        }
        items.sort { $0.time / $0.memory > $1.time / $1.memory }
        var left = budget
        var total = free
        for item in items where left > 0 {
            let take = min(count, left / item.memory)
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
            time += problem.stages[k].forward + problem.communication.latency(from: problem.stageDevice[k], to: problem.stageDevice[k + 1])
        }
        return time
    }

    /// One microbatch's forward through every stage, backward through every stage, then stage 0's W.
    static func microbatchChain(_ problem: Problem) -> Double {
        roundTrip(problem, from: 0) + problem.stages[0].backwardInput + problem.stages[0].backwardWeight
    }
}
