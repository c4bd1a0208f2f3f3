import Foundation
import Synchronization

/// Runs the list scheduler under every policy of a grid and keeps the schedule with the best
/// schedule (`ScheduleScore`).
///
/// The grid runs on every core: policies that differ only in their warm-up factor form a group
/// (one scheduler run can prove that the larger factors would repeat it, see `best`), and the
/// groups are shared out among threads. The result does not depend on the threads: each keeps its
/// best with the grid position as the tie-break, and the best of those wins by the same rule, which
/// is what one thread going through the grid in order keeps.
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

    /// Threads the grid uses by default: the machine's cores.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The best schedule over `policies` (default: the full grid), or `nil` when every policy gets
    /// stuck under the memory cap. Once `shouldStop` says so, the best schedule so far is returned
    /// (`nil` if none was built yet). `threads` bounds the threads (1: on the caller's thread).
    public static func best(_ problem: Problem, objective: Objective, policies: [GreedyPolicy]? = nil,
                            shouldStop: (@Sendable () -> Bool)? = nil, threads: Int = defaultThreads) -> Result? {
        let grid = policies ?? GreedyPolicy.grid(for: problem)
        let setup = ListScheduler.Setup(problem)
        // Groups of positions whose policies differ only in the warm-up factor and later-stage
        // memory, in grid order.
        var groupOf: [GreedyPolicy: Int] = [:]
        var groups: [[Int]] = []
        for (position, policy) in grid.enumerated() {
            var rest = policy
            rest.warmupFactor = 0
            rest.laterStageMemory = .reservedAtAdmission
            if let group = groupOf[rest] { groups[group].append(position) } else {
                groupOf[rest] = groups.count
                groups.append([position])
            }
        }
        let lanes = max(1, min(threads, groups.count))
        let sharedBest = Mutex(Double.infinity)
        guard lanes > 1 else {
            return lane(problem, objective: objective, grid: grid, positions: groups.flatMap { $0 }.sorted(), setup: setup,
                        shouldStop: shouldStop, sharedBest: sharedBest).map(\.result)
        }
        let shares = (0..<lanes).map { index in groups.indices.filter { $0 % lanes == index }.flatMap { groups[$0] }.sorted() }
        let bests = Mutex<[LaneBest?]>(Array(repeating: nil, count: lanes))
        let runs = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: lanes) { index in
            let positions = shares[index]
            let best = lane(problem, objective: objective, grid: grid, positions: positions, setup: setup, shouldStop: shouldStop,
                            sharedBest: sharedBest)
            bests.withLock { $0[index] = best }
            runs.withLock { $0 += best?.result.policiesRun ?? 0 }
        }
        var best: LaneBest?
        for candidate in bests.withLock({ $0 }).compactMap({ $0 }) {
            if best == nil || candidate.key.isBetter(than: best!.key)
                || (!best!.key.isBetter(than: candidate.key) && candidate.position < best!.position) {
                best = candidate
            }
        }
        guard var result = best?.result else { return nil }
        result.policiesRun = runs.withLock { $0 }
        return result
    }

    /// Whether a policy keeping later-stage room for the oldest microbatch builds the same schedule as
    /// its twin reserving that room at admission whenever the twin's cap never refused a pass: true
    /// where every device holds at most two stages (a later forward is then always the oldest
    /// pending microbatch's, so it finds the room the twin reserved) and microbatches cost alike (the
    /// kept room is then exactly what the twin reserves). `ListSchedulerTests` checks the claim.
    static func keptRoomCopiesReservation(_ problem: Problem) -> Bool {
        problem.deviceStages.allSatisfy { $0.count <= 2 } && !problem.costsVaryByMicrobatch
    }

    /// One thread's share: the policies at `positions` (ascending), in order, skipping a policy whose
    /// group already ran unconstrained by its warm-up depth at a smaller factor (a larger factor only
    /// raises every device's depth limit, so it would make the same decisions and build the same
    /// schedule, or get stuck the same way), and a policy keeping later-stage room whose reserving
    /// twin (same warm-up, or unconstrained at a smaller one) never met the cap, where that makes the
    /// two the same (`keptRoomCopiesReservation`). Each run is cut off at the best value any thread
    /// has reached (`sharedBest`), which only loses runs no thread could keep. The best, with its grid
    /// position and score keys.
    private static func lane(_ problem: Problem, objective: Objective, grid: [GreedyPolicy], positions: [Int],
                             setup: ListScheduler.Setup, shouldStop: (@Sendable () -> Bool)?, sharedBest: borrowing Mutex<Double>) -> LaneBest? {
        var best: (key: ScheduleScore.Key, state: State, position: Int)?
        var unconstrainedFrom: [GreedyPolicy: Double] = [:]
        // Reserving policies whose run the cap never refused, and (per policy without its warm-up)
        // the smallest factor from which such a run was also unconstrained by its depth.
        var neverRefused: Set<GreedyPolicy> = []
        var neverRefusedFrom: [GreedyPolicy: Double] = [:]
        let copies = keptRoomCopiesReservation(problem)
        var runs = 0
        for position in positions {
            if shouldStop?() == true { break }
            let policy = grid[position]
            var rest = policy
            rest.warmupFactor = 0
            if let factor = unconstrainedFrom[rest], policy.warmupFactor >= factor { continue }
            if copies && policy.laterStageMemory == .keptForOldest {
                var twin = policy
                twin.laterStageMemory = .reservedAtAdmission
                var twinRest = rest
                twinRest.laterStageMemory = .reservedAtAdmission
                if neverRefused.contains(twin) || (neverRefusedFrom[twinRest].map { policy.warmupFactor >= $0 } ?? false) { continue }
            }
            // Scored from the scheduler's own times; only the winner's orders are built. A run that
            // cannot reach the best value so far gives up early. Its flags then hold for the part it
            // ran, which a policy it rules out above would repeat up to the same cut (or an earlier
            // one, the best having only improved since), so they rule out as a finished run's do.
            let cutoff = min(best?.key.value ?? .infinity, sharedBest.withLock { $0 })
            let run = ListScheduler(problem: problem, policy: policy, setup: setup, shouldStop: shouldStop)
                .scoredRun(objective: objective, cutoff: cutoff)
            runs += 1
            let finished = run.key != nil || run.state.cutOff || shouldStop?() != true
            if !run.state.depthBound && finished {
                unconstrainedFrom[rest] = min(unconstrainedFrom[rest] ?? .infinity, policy.warmupFactor)
            }
            if policy.laterStageMemory == .reservedAtAdmission && !run.state.memoryRefused && finished {
                neverRefused.insert(policy)
                if !run.state.depthBound { neverRefusedFrom[rest] = min(neverRefusedFrom[rest] ?? .infinity, policy.warmupFactor) }
            }
            guard let key = run.key else { continue }
            if best == nil || key.isBetter(than: best!.key) {
                best = (key, run.state, position)
                sharedBest.withLock { $0 = min($0, key.value) }
            }
        }
        guard let best else { return nil }
        return LaneBest(position: best.position, key: best.key,
                        result: Result(schedule: best.state.schedule(), value: best.key.value, peakMemory: best.key.peak,
                                       policy: grid[best.position], policiesRun: runs))
    }

    /// A thread's best: its grid position, its score keys and the result.
    private struct LaneBest: Sendable {
        var position: Int
        var key: ScheduleScore.Key
        var result: Result
    }
}
