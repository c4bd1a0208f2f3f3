/// Finds the smallest memory cap at which the greedy search finds a schedule, for "no schedule
/// fits" reports.
public enum CapSearch {
    /// The smallest cap, applied to every device, at which `GreedySearch` finds a schedule (binary
    /// search to 0.1% of the range), or `nil` when even an unlimited cap fails.
    public static func smallestUniformCap(_ problem: Problem, objective: Objective) -> Double? {
        func feasible(_ cap: Double) -> Bool {
            let caps = Array(repeating: cap, count: problem.devices)
            guard let capped = try? problem.withMemoryLimit(caps) else { return false }
            return GreedySearch.best(capped, objective: objective, policies: probePolicies(problem)) != nil
        }
        var low = (0..<problem.devices).map { problem.minimumMemory(device: $0) }.max() ?? 0
        guard let unlimited = try? problem.withMemoryLimit(nil),
              let schedule = GreedySearch.best(unlimited, objective: objective, policies: probePolicies(problem)) else { return nil }
        let peaks = (try? Simulator.simulate(problem, schedule.schedule).peakMemory) ?? []
        var high = peaks.max() ?? low
        if feasible(low) { return low }
        let precision = max(1e-9, (high - low) * 1e-3)
        while high - low > precision {
            let middle = (low + high) / 2
            if feasible(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// A few policies that together cover tight caps (shallow warm-ups, W freed eagerly, a fused
    /// `BW` where `B` allocates).
    static func probePolicies(_ problem: Problem) -> [GreedyPolicy] {
        let backward: [GreedyPolicy.BackwardPasses] = problem.stages.indices.contains { problem.backwardAllocates(stage: $0) }
            ? [.split, .splitKeepingRoom, .fusedWhereBAllocates] : [.split]
        return backward.flatMap { passes in [
            GreedyPolicy(warmupFactor: 1, preferBackward: true, weightFill: .eager, chunkOrder: .depthFirst, backward: passes),
            GreedyPolicy(warmupFactor: 1, preferBackward: true, weightFill: .eager, chunkOrder: .breadthFirst, backward: passes),
            GreedyPolicy(warmupFactor: 1000, preferBackward: true, weightFill: .eager, chunkOrder: .depthFirst, backward: passes),
            GreedyPolicy(warmupFactor: 1, preferBackward: true, weightFill: .fillIdle, chunkOrder: .depthFirst, backward: passes),
        ] }
    }
}
