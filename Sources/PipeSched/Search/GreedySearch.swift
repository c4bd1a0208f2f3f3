import Foundation
import Synchronization

/// Runs the list scheduler under every policy of a grid and keeps the schedule with the best
/// schedule (`ScheduleScore`).
///
/// The grid runs on every core: threads take its policies as they come free (`Proofs.order`), and
/// skip a policy a run proved to repeat (it differs only in a larger warm-up factor and in rules the
/// run never met, see `twins`). The result does not depend on the threads: each keeps its best
/// with the grid position as the tie-break, and the best of those wins by the same rule, which is
/// what one thread going through the grid in order keeps.
public enum GreedySearch {
    /// A schedule with its score and the policy that built it.
    public struct Result: Sendable {
        public var schedule: Schedule
        public var value: Double
        public var peakMemory: Double
        public var policy: GreedyPolicy
        /// How many policies ran (the rest were skipped as duplicates of a run, `GreedySearch.best`).
        public var policiesRun: Int
        /// The passes the runs placed, cut and unfinished runs included: the work the search did.
        public var passesRun: Int
    }

    /// Threads the grid uses by default: the machine's cores.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The best schedule over `policies` (default: the full grid), or `nil` when every policy gets
    /// stuck under the memory cap. Once `shouldStop` says so, the best schedule so far is returned
    /// (`nil` if none was built yet). `threads` bounds the threads (1: on the caller's thread).
    public static func best(_ problem: Problem, objective: Objective, policies: [GreedyPolicy]? = nil,
                            shouldStop: (@Sendable () -> Bool)? = nil, threads: Int = defaultThreads) -> Result? {
        best(problem, objective: objective, policies: policies, shouldStop: shouldStop, threads: threads,
             scouting: problem.devicesHoldSeveralStages)
    }

    /// `best(_:objective:policies:shouldStop:threads:)`, with the scouts (`Proofs.scouts`) run first
    /// where `scouting`: where devices hold several stages, which is where they pay.
    static func best(_ problem: Problem, objective: Objective, policies: [GreedyPolicy]?,
                     shouldStop: (@Sendable () -> Bool)?, threads: Int, scouting: Bool) -> Result? {
        let setup = ListScheduler.Setup(problem)
        let grid = distinctDepths(policies ?? GreedyPolicy.grid(for: problem), problem: problem, setup: setup)
        let copies = keptRoomCopiesReservation(problem)
        // Threads take the policies as they come free, each after the policies that can prove it
        // (`Proofs.order`), and skip a policy that a run proved to build its schedule. Each run is
        // cut off once it is sure to lose to the best keys any thread has reached (`sharedBest`),
        // which only loses runs no thread could keep. Each thread keeps its best run (its state,
        // from which only the winner's orders are built).
        let order = Proofs.order(grid, scouting: scouting)
        let next = Atomic(0)
        let proofs = Mutex(Proofs())
        let sharedBest = Mutex<ScheduleScore.Key?>(nil)
        let bests = Mutex<[Run]>([])
        let runs = Atomic(0), passes = Atomic(0)
        let work: @Sendable (Int) -> Void = { _ in
            var best: Run?
            while shouldStop?() != true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < order.count else { break }
                let position = order[index]
                let policy = grid[position]
                if proofs.withLock({ $0.proves(policy) }) { continue }
                // Every thread's best went into `sharedBest` unless it held one as good, so it is the cutoff.
                let cutoff = sharedBest.withLock { $0 }
                let run = ListScheduler(problem: problem, policy: policy, setup: setup, shouldStop: shouldStop)
                    .scoredRun(objective: objective, cutoff: cutoff)
                runs.wrappingAdd(1, ordering: .relaxed)
                passes.wrappingAdd(run.state.logged, ordering: .relaxed)
                // A run cut off at the cutoff has met rules only in the part it ran, which a policy
                // it proves would repeat up to the same cut (or an earlier one, the best having only
                // improved since), so it proves as a finished run does; a stopped run proves nothing.
                if run.key != nil || run.state.cutOff || shouldStop?() != true {
                    let proved = twins(of: policy, met: run.state.rulesMet, copies: copies)
                    proofs.withLock { $0.add(proved, depthBound: run.state.rulesMet.contains(.depthLimit)) }
                }
                guard let key = run.key else { continue }
                let found = Run(position: position, key: key, state: run.state)
                if best.map({ found.isBetter(than: $0) }) ?? true {
                    best = found
                    sharedBest.withLock { shared in if shared.map({ key.isBetter(than: $0) }) ?? true { shared = key } }
                }
            }
            if let best { bests.withLock { $0.append(best) } }
        }
        let lanes = max(1, min(threads, grid.count))
        if lanes == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: lanes, execute: work) }
        let winner = bests.withLock { $0 }.reduce(nil as Run?) { best, run in best.map { run.isBetter(than: $0) } ?? true ? run : best }
        guard let winner else { return nil }
        return Result(schedule: winner.state.schedule(), value: winner.key.value, peakMemory: winner.key.peak,
                      policy: grid[winner.position], policiesRun: runs.load(ordering: .relaxed), passesRun: passes.load(ordering: .relaxed))
    }

    /// `policies` without each that differs from an earlier one only in a warm-up factor giving every
    /// stage the same depth (`ListScheduler.Setup.depthLimits`): it would build the same schedule
    /// and lose the tie on position.
    static func distinctDepths(_ policies: [GreedyPolicy], problem: Problem, setup: ListScheduler.Setup) -> [GreedyPolicy] {
        // Per factor, the first factor met with the same depths: a policy's run is the policy at that factor.
        var firstWithDepths: [[Int]: Double] = [:], canonical: [Double: Double] = [:]
        var seen: Set<GreedyPolicy> = []
        return policies.filter { policy in
            var run = policy
            if let factor = canonical[policy.warmupFactor] {
                run.warmupFactor = factor
            } else {
                let depths = setup.depthLimits(warmupFactor: policy.warmupFactor, problem)
                run.warmupFactor = firstWithDepths[depths] ?? policy.warmupFactor
                firstWithDepths[depths] = run.warmupFactor
                canonical[policy.warmupFactor] = run.warmupFactor
            }
            return seen.insert(run).inserted
        }
    }

    /// Whether a policy keeping later-stage room for the oldest microbatch builds the same schedule as
    /// its twin reserving that room at admission whenever the twin's cap never refused a pass: true
    /// where every device holds at most two stages (a later forward is then always the oldest
    /// pending microbatch's, so it finds the room the twin reserved) and microbatches cost alike (the
    /// kept room is then exactly what the twin reserves). `ListSchedulerTests` checks the claim.
    static func keptRoomCopiesReservation(_ problem: Problem) -> Bool {
        problem.deviceStages.allSatisfy { $0.count <= 2 } && !problem.costsVaryByMicrobatch
    }

    /// The policies that build the same schedule as a run of `policy` that met the rules `met`
    /// (itself included), at `policy`'s warm-up factor: those that differ only by rules the run never
    /// met. A rule that never decided a step of the run leaves every step as it was, so any
    /// combination of such rules does too. The rules (`ProvableRule.all`, noted in `State.RulesMet`):
    /// `ChunkOrder.depthFirstWaiting` for a depth-first run, waiting for a backward for a run without
    /// it, a forward first for a backward-first run, `WeightFill.fitIdle` for a `fillIdle` run, and
    /// later-stage room kept for the oldest for a reserving run the cap never refused where
    /// `keptRoomCopiesReservation` holds (`copies`). `ListSchedulerTests` checks each. A run that never met its warm-up depth also
    /// builds the schedule of each twin at every larger factor (`Proofs.add`).
    static func twins(of policy: GreedyPolicy, met: State.RulesMet, copies: Bool) -> [GreedyPolicy] {
        var twins = [policy]
        for rule in ProvableRule.all where rule.isFirst(policy) && !met.contains(rule.note) && (copies || !rule.needsKeptRoomCopies) {
            twins += twins.map { var twin = $0; rule.toAlternative(&twin); return twin }
        }
        return twins
    }

    /// A rule of the grid a run can prove indifferent (`twins`): where a policy holds its first value
    /// and the run never noted it (`note`), the policy with the rule's alternative builds the same
    /// schedule. In `GreedyPolicy.grid` the alternative comes after the first value.
    struct ProvableRule: Sendable {
        let note: State.RulesMet
        let isFirst: @Sendable (GreedyPolicy) -> Bool
        let toAlternative: @Sendable (inout GreedyPolicy) -> Void
        /// Sets the rule to its first value (leaves a policy at its first value, or where the rule
        /// does not apply, as it is).
        let toFirst: @Sendable (inout GreedyPolicy) -> Void
        /// Whether the twin holds only where `keptRoomCopiesReservation` does.
        var needsKeptRoomCopies = false

        static let all: [ProvableRule] = [
            ProvableRule(note: .forwardWait, isFirst: { $0.chunkOrder == .depthFirst }, toAlternative: { $0.chunkOrder = .depthFirstWaiting },
                         toFirst: { if $0.chunkOrder == .depthFirstWaiting { $0.chunkOrder = .depthFirst } }),
            ProvableRule(note: .backwardWait, isFirst: { !$0.waitsForBackward }, toAlternative: { $0.waitsForBackward = true },
                         toFirst: { $0.waitsForBackward = false }),
            ProvableRule(note: .forwardFirst, isFirst: { $0.preferBackward }, toAlternative: { $0.preferBackward = false },
                         toFirst: { $0.preferBackward = true }),
            ProvableRule(note: .idleFit, isFirst: { $0.weightFill == .fillIdle }, toAlternative: { $0.weightFill = .fitIdle },
                         toFirst: { if $0.weightFill == .fitIdle { $0.weightFill = .fillIdle } }),
            ProvableRule(note: .capRefusal, isFirst: { $0.laterStageMemory == .reservedAtAdmission },
                         toAlternative: { $0.laterStageMemory = .keptForOldest }, toFirst: { $0.laterStageMemory = .reservedAtAdmission },
                         needsKeptRoomCopies: true),
        ]
    }

    /// The policies runs proved to build their schedules (`twins`), later in the grid than the run
    /// (each rule's alternative comes after its value in `GreedyPolicy.grid`, larger warm-up factors
    /// after smaller ones): a skipped policy would tie with the run and lose the tie on position, so
    /// skipping it changes neither the best schedule nor the policy named.
    struct Proofs {
        private var policies: Set<GreedyPolicy> = []
        /// Per policy without its warm-up factor, the smallest factor from which every larger one is proved.
        private var from: [GreedyPolicy: Double] = [:]

        func proves(_ policy: GreedyPolicy) -> Bool {
            policies.contains(policy) || (from[Self.withoutWarmup(policy)].map { policy.warmupFactor >= $0 } ?? false)
        }

        /// A run's `twins`; where the run never met its warm-up depth (`State.RulesMet.depthLimit`), also
        /// every twin at a larger factor: a larger factor only raises every device's depth limit,
        /// so it would make the same decisions and build the same schedule, or get stuck the same way.
        mutating func add(_ twins: [GreedyPolicy], depthBound: Bool) {
            for twin in twins {
                policies.insert(twin)
                guard !depthBound else { continue }
                from[Self.withoutWarmup(twin)] = min(from[Self.withoutWarmup(twin)] ?? .infinity, twin.warmupFactor)
            }
        }

        /// The grid's positions in the order the runs go: where `scouting`, the `scouts` first; then
        /// in groups of the policies a run can prove (`group`: the same policy once every rule
        /// `twins` changes is at its first value and the warm-up factor is left out), the largest
        /// groups first, each in grid order, so that every policy that can prove a policy comes
        /// before it. The largest group holds the most rules in play (waiting,
        /// kept room, both priorities), where the best runs have come from on the benchmark
        /// problems: a good run early makes the cutoff prune the rest sooner.
        static func order(_ grid: [GreedyPolicy], scouting: Bool = false) -> [Int] {
            let keys = grid.map(group)
            var size: [GreedyPolicy: Int] = [:], first: [GreedyPolicy: Int] = [:]
            for (position, key) in keys.enumerated() {
                size[key, default: 0] += 1
                if first[key] == nil { first[key] = position }
            }
            // A group by its size (larger first), then by its first position; within it, positions ascending.
            let rank = keys.indices.map { (-size[keys[$0]]!, first[keys[$0]]!, $0) }
            let grouped = grid.indices.sorted { rank[$0] < rank[$1] }
            guard scouting, let lead = grouped.first else { return grouped }
            let scouts = scouts(grid, group: grouped.filter { keys[$0] == keys[lead] })
            return scouts + grouped.filter { !scouts.contains($0) }
        }

        /// Runs that go before the groups, for a good cutoff early, where devices hold several
        /// stages: of the group that runs first (`group`), the first policy in grid order with the
        /// most rules at their alternative (waiting for a later chunk's forward, W passes only where
        /// they fit the idle time, forward first, later-stage room kept for the oldest microbatch),
        /// at warm-up factors 1, 1.5, 2 and 3 (those the grid holds). There the best runs come from
        /// the alternatives, which the group's order reaches last, after the runs that could prove
        /// them: every run before a good one is cut only late. A scout that turns out good cuts the
        /// rest sooner; one that is not costs a run, cut by the scouts before it. Running a policy
        /// early changes no result: the winner is still the best run, on a tie the earliest in
        /// the grid; a scout only forgoes the skip that a run of its group could have given it.
        static func scouts(_ grid: [GreedyPolicy], group: [Int]) -> [Int] {
            let alternatives = group.map { position in
                ProvableRule.all.count { rule in
                    var first = grid[position]
                    rule.toFirst(&first)
                    return first != grid[position]
                }
            }
            guard let most = alternatives.max(), most > 0 else { return [] }
            return [1, 1.5, 2, 3].compactMap { factor in
                group.indices.filter { grid[group[$0]].warmupFactor == factor && alternatives[$0] == most }.map { group[$0] }.min()
            }
        }

        /// The group of `policy`'s runs (`order`): every rule a run can prove indifferent (`twins`)
        /// at its first value, and the warm-up factor left out.
        static func group(_ policy: GreedyPolicy) -> GreedyPolicy {
            var key = withoutWarmup(policy)
            for rule in ProvableRule.all { rule.toFirst(&key) }
            return key
        }

        /// `policy` with its warm-up factor left out (0): what policies that differ only in it share.
        static func withoutWarmup(_ policy: GreedyPolicy) -> GreedyPolicy {
            var rest = policy
            rest.warmupFactor = 0
            return rest
        }
    }

    /// A finished run: its grid position, its score keys and its state (handed from its thread only
    /// once the thread is done with it, hence unchecked).
    private struct Run: @unchecked Sendable {
        var position: Int
        var key: ScheduleScore.Key
        var state: State

        /// The better score, on a tie the earlier grid position: what one thread going through the
        /// grid in order keeps, whatever order the threads ran the policies in.
        func isBetter(than other: Run) -> Bool {
            key.isBetter(than: other.key) || (!other.key.isBetter(than: key) && position < other.position)
        }
    }
}
