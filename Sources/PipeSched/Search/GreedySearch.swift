/// Runs the list scheduler under every policy of a grid and keeps the schedule with the best
/// schedule (`ScheduleScore`).
public enum GreedySearch {
    /// A schedule with its score and the policy that built it.
    public struct Result: Sendable {
        public var schedule: Schedule
        public var value: Double
        public var peakMemory: Double
        public var policy: GreedyPolicy
    }

    /// The best schedule over `policies` (default: the full grid), or `nil` when every policy gets
    /// stuck under the memory cap. Once `shouldStop` says so, the best schedule so far is returned
    /// (`nil` if none was built yet).
    public static func best(_ problem: Problem, objective: Objective, policies: [GreedyPolicy]? = nil,
                            shouldStop: (@Sendable () -> Bool)? = nil) -> Result? {
        var best: (result: Result, score: ScheduleScore)?
        var seen = Set<Int>()
        let setup = ListScheduler.Setup(problem)
        for policy in policies ?? GreedyPolicy.grid(for: problem) {
            if shouldStop?() == true { break }
            // Many policies build the same orders; score each distinct one once.
            guard let schedule = ListScheduler(problem: problem, policy: policy, setup: setup, shouldStop: shouldStop).schedule(),
                  seen.insert(schedule.orders.hashValue).inserted,
                  let score = ScheduleScore(problem, schedule, objective: objective) else { continue }
            if best == nil || score.isBetter(than: best!.score) {
                best = (Result(schedule: schedule, value: score.value, peakMemory: score.peak, policy: policy), score)
            }
        }
        return best?.result
    }
}
