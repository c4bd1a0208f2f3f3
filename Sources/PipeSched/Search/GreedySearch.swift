/// Runs the list scheduler under every policy of a grid and keeps the schedule with the best
/// schedule (`ScheduleScore`).
public enum GreedySearch {
    /// A schedule with its score and the policy that built it.
    public struct Result: Sendable {
        public var schedule: Schedule
        public var value: Double
        public var peakMemory: Double
        public var policy: GreedyPolicy
        /// How many policies ran (the rest were skipped as duplicates of a run, `GreedySearch.best`).
        public var policiesRun: Int
    }

    /// The best schedule over `policies` (default: the full grid), or `nil` when every policy gets
    /// stuck under the memory cap. Once `shouldStop` says so, the best schedule so far is returned
    /// (`nil` if none was built yet).
    public static func best(_ problem: Problem, objective: Objective, policies: [GreedyPolicy]? = nil,
                            shouldStop: (@Sendable () -> Bool)? = nil) -> Result? {
        var best: (key: ScheduleScore.Key, state: State, policy: GreedyPolicy)?
        let setup = ListScheduler.Setup(problem)
        // Per policy without its warm-up factor: the smallest factor whose run the warm-up depth
        // never constrained. A larger factor only raises every device's depth limit, so it would
        // make the same decisions and build the same schedule (or get stuck the same way): skipped.
        var unconstrainedFrom: [GreedyPolicy: Double] = [:]
        var runs = 0
        for policy in policies ?? GreedyPolicy.grid(for: problem) {
            if shouldStop?() == true { break }
            var rest = policy
            rest.warmupFactor = 0
            if let factor = unconstrainedFrom[rest], policy.warmupFactor >= factor { continue }
            // Scored from the scheduler's own times; only the winner's orders are built.
            let run = ListScheduler(problem: problem, policy: policy, setup: setup, shouldStop: shouldStop).scoredRun(objective: objective)
            runs += 1
            if !run.state.depthBound && (run.key != nil || shouldStop?() != true) {
                unconstrainedFrom[rest] = min(unconstrainedFrom[rest] ?? .infinity, policy.warmupFactor)
            }
            guard let key = run.key else { continue }
            if best == nil || key.isBetter(than: best!.key) { best = (key, run.state, policy) }
        }
        guard let best else { return nil }
        return Result(schedule: best.state.schedule(), value: best.key.value, peakMemory: best.key.peak, policy: best.policy, policiesRun: runs)
    }
}
