import Foundation
import Synchronization

/// Runs the list scheduler under every policy of a grid and keeps the schedule with the best score
/// (`ScheduleScore`).
///
/// The grid runs on every core: threads take its policies as they come free (`Proofs.order`), and
/// skip a policy a run proved to repeat (it differs only in a larger warm-up factor and in rules
/// the run never met, see `twins`); a twin that parts from an earlier run only at some step goes on
/// from a copy of that run's state there (`Branches`). The result does not depend on the threads:
/// each keeps its best with the grid position as the tie-break, and the best of those wins by the
/// same rule, which is what one thread going through the grid in order keeps.
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
    /// where `scouting`: where devices hold several stages, which is where they pay, and their
    /// climb (`Climb`) where `climbing`; and twins branched off runs where `branching` (`Branches`).
    static func best(_ problem: Problem, objective: Objective, policies: [GreedyPolicy]?,
                     shouldStop: (@Sendable () -> Bool)?, threads: Int, scouting: Bool, climbing: Bool = true,
                     branching: Bool = true) -> Result? {
        let setup = ListScheduler.Setup(problem)
        let grid = distinctDepths(policies ?? GreedyPolicy.grid(for: problem), problem: problem, setup: setup)
        let copies = keptRoomCopiesReservation(problem)
        // Threads take the policies as they come free: the scouts and the policies their climb
        // queues first (`Proofs.scouts`, `Climb`), then each after the policies that can prove it
        // (`Proofs.order`; on several threads a policy waits while a run under way may prove it,
        // `Branches.next`), and skip a policy that a run proved to build its schedule. Each run is
        // cut off once it is sure to lose to the best keys any thread has reached (`sharedBest`,
        // read again as the run goes), which only loses runs no thread could keep. Each thread
        // keeps its best run (its state, from which only the winner's orders are built).
        // A run also branches a later twin off at the first step their rules part (`Branches`):
        // at its turn the twin goes on from there.
        let grouped = Proofs.order(grid)
        let scouts = scouting ? Proofs.scouts(grid, leading: grouped) : []
        let order = scouts + grouped.filter { !scouts.contains($0) }
        let index = GridIndex(grid)
        let children = branching ? Branches.children(grid, index: index) : [:]
        let climb = scouting && climbing ? Climb(grid: grid, index: index, scouts: scouts) : nil
        let lanes = max(1, min(threads, grid.count))
        let queue = Mutex(Branches(grid: grid, order: order, climb: climb, waitsForProofs: lanes > 1 ? copies : nil))
        let sharedBest = Mutex<ScheduleScore.Key?>(nil)
        let bests = Mutex<[Run]>([])
        let runs = Atomic(0), passes = Atomic(0)
        let work: @Sendable (Int) -> Void = { _ in
            var best: Run?
            while shouldStop?() != true {
                guard let (position, resuming) = queue.withLock({ $0.next() }) else { break }
                let policy = grid[position]
                // Every thread's best went into `sharedBest` unless it held one as good, so it is the cutoff.
                let cutoff = sharedBest.withLock { $0 }
                let branches = children[position]
                let branch: ((State.RulesMet, State) -> Void)? = branches.map { branches in { rule, state in
                    guard let child = branches[rule.rawValue], queue.withLock({ $0.wants(child, for: state) }) else { return }
                    let branched = Branches.Branch(position: child, state: State(copying: state, as: grid[child]))
                    queue.withLock { $0.add(branched) }
                } }
                let run = ListScheduler(problem: problem, policy: policy, setup: setup, shouldStop: shouldStop)
                    .scoredRun(objective: objective, cutoff: cutoff, resuming: resuming, branch: branch, bestSoFar: { sharedBest.withLock { $0 } })
                runs.wrappingAdd(1, ordering: .relaxed)
                passes.wrappingAdd(run.state.logged - (resuming?.logged ?? 0), ordering: .relaxed)
                // A run cut off at the cutoff has met rules only in the part it ran, which a policy
                // it proves would repeat up to the same cut (or an earlier one, the best having only
                // improved since), so it proves as a finished run does; a stopped run proves nothing.
                if run.key != nil || run.state.cutOff || shouldStop?() != true {
                    let proved = twins(of: policy, met: run.state.rulesMet, copies: copies)
                    queue.withLock { $0.proofs.add(proved, depthBound: run.state.rulesMet.contains(.depthLimit)) }
                }
                queue.withLock {
                    $0.finished(position)
                    $0.climb?.ran(position, key: run.key)
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
    /// it, a forward first for a backward-first run, `WeightFill.fitIdle` for a `fillIdle` run, the
    /// earliest stage's backward first for a run taking the first ready (`BackwardOrder`), a `W`
    /// making room before a backward for a run without it (`makesRoomBeforeBackward`), `W` passes
    /// fitting idle time in the cool-down for an `eager` or `fillIdle` run without it
    /// (`fitsIdleInCoolDown`), and
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
        /// Whether a run branches the twin off at the rule's first decision (`Branches`): all but
        /// later-stage memory, whose two values book memory differently from the first pass.
        var branches = true
        /// Whether the scouts count the rule's alternative (`Proofs.scouts`): all but the backward
        /// order, with which the grid placed 6% more passes on its probe problems (docs/search.md).
        var scouts = true

        static let all: [ProvableRule] = [
            ProvableRule(note: .forwardWait, isFirst: { $0.chunkOrder == .depthFirst }, toAlternative: { $0.chunkOrder = .depthFirstWaiting },
                         toFirst: { if $0.chunkOrder == .depthFirstWaiting { $0.chunkOrder = .depthFirst } }),
            ProvableRule(note: .backwardWait, isFirst: { !$0.waitsForBackward }, toAlternative: { $0.waitsForBackward = true },
                         toFirst: { $0.waitsForBackward = false }),
            ProvableRule(note: .forwardFirst, isFirst: { $0.preferBackward }, toAlternative: { $0.preferBackward = false },
                         toFirst: { $0.preferBackward = true }),
            ProvableRule(note: .idleFit, isFirst: { $0.weightFill == .fillIdle }, toAlternative: { $0.weightFill = .fitIdle },
                         toFirst: { if $0.weightFill == .fitIdle { $0.weightFill = .fillIdle } }),
            ProvableRule(note: .coolDownFit, isFirst: { $0.weightFill != .fitIdle && !$0.fitsIdleInCoolDown },
                         toAlternative: { $0.fitsIdleInCoolDown = true }, toFirst: { $0.fitsIdleInCoolDown = false }, scouts: false),
            ProvableRule(note: .backwardOrder, isFirst: { $0.backwardOrder == .earliestReady }, toAlternative: { $0.backwardOrder = .earliestStage },
                         toFirst: { $0.backwardOrder = .earliestReady }, scouts: false),
            ProvableRule(note: .makesRoom, isFirst: { !$0.makesRoomBeforeBackward }, toAlternative: { $0.makesRoomBeforeBackward = true },
                         toFirst: { $0.makesRoomBeforeBackward = false }),
            ProvableRule(note: .capRefusal, isFirst: { $0.laterStageMemory == .reservedAtAdmission },
                         toAlternative: { $0.laterStageMemory = .keptForOldest }, toFirst: { $0.laterStageMemory = .reservedAtAdmission },
                         needsKeptRoomCopies: true, branches: false),
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

        /// The grid's positions in the order the runs go (after the `scouts`, where they run): in
        /// groups of the policies a run can prove (`group`: the same policy once every rule
        /// `twins` changes is at its first value and the warm-up factor is left out), the largest
        /// groups first, each in grid order, so that every policy that can prove a policy comes
        /// before it. The largest group holds the most rules in play (waiting,
        /// kept room, both priorities), where the best runs have come from on the benchmark
        /// problems: a good run early makes the cutoff prune the rest sooner.
        static func order(_ grid: [GreedyPolicy]) -> [Int] {
            let keys = grid.map(group)
            var size: [GreedyPolicy: Int] = [:], first: [GreedyPolicy: Int] = [:]
            for (position, key) in keys.enumerated() {
                size[key, default: 0] += 1
                if first[key] == nil { first[key] = position }
            }
            // A group by its size (larger first), then by its first position; within it, positions ascending.
            let rank = keys.indices.map { (-size[keys[$0]]!, first[keys[$0]]!, $0) }
            return grid.indices.sorted { rank[$0] < rank[$1] }
        }

        /// The scouts (below) of the group that runs first in `order` (`order(_:)`).
        static func scouts(_ grid: [GreedyPolicy], leading order: [Int]) -> [Int] {
            guard let lead = order.first else { return [] }
            let key = group(grid[lead])
            return scouts(grid, group: order.filter { group(grid[$0]) == key })
        }

        /// Runs that go before the groups, for a good cutoff early, where devices hold several
        /// stages: of the group that runs first (`group`), the first policy in grid order with the
        /// most rules at their alternative (waiting for a later chunk's forward, W passes only where
        /// they fit the idle time, forward first, later-stage room kept for the oldest microbatch;
        /// the backward order is not counted, `ProvableRule.scouts`),
        /// at warm-up factors 1, 1.5, 2 and 3 (those the grid holds). There the best runs come from
        /// the alternatives, which the group's order reaches last, after the runs that could prove
        /// them: every run before a good one is cut only late. A scout that turns out good cuts the
        /// rest sooner; one that is not costs a run, cut by the scouts before it. Running a policy
        /// early changes no result: the winner is still the best run, on a tie the earliest in
        /// the grid; a scout only forgoes the skip that a run of its group could have given it.
        static func scouts(_ grid: [GreedyPolicy], group: [Int]) -> [Int] {
            let alternatives = group.map { position in
                ProvableRule.all.count { rule in
                    guard rule.scouts else { return false }
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

    /// The runs to go: the grid in its order (`Proofs.order`), each policy once and none that a run
    /// proved (`Proofs`), some from a state branched off an earlier run.
    ///
    /// A run hands its state to `State.branch` at the first step each rule decided. Where the run's
    /// policy holds the rule's first value and the grid holds the policy with the rule's alternative
    /// (for the depth limit: the policy at the next larger warm-up factor), that twin makes the same
    /// decisions up to that step (a rule that has not decided a step has left every step as it was,
    /// the argument of `twins`; a larger depth limit that has never held a forward back, likewise)
    /// and notes the same rules on the way. So when its turn comes it goes on from a copy of that
    /// state (`State.init(copying:as:)`) instead of starting over: the same schedule and keys, cut
    /// off where its own run would be (the floors come with the copy, `State.setCutoff`). The twin
    /// comes later in the order (its group's, in grid order), so the runs, their order and the
    /// proofs stay as they were; a branched state is dropped once a run proves its twin, and none is
    /// kept beyond `budget` bytes. Not for the later-stage memory rule, whose two values book memory
    /// differently from the first pass (`ProvableRule.branches`).
    struct Branches {
        /// A state branched off for the policy at a grid position (handed from the branching run's
        /// thread to the one that runs it, never used by both, hence unchecked).
        struct Branch: @unchecked Sendable {
            var position: Int
            var state: State
        }

        /// The most bytes of branched states kept at once (`State.bytes`).
        static let budget = 32 << 20
        var proofs = Proofs()
        /// The scouts' climb (`Climb`), served before the rest of the order once the scouts have started.
        var climb: Climb?
        private let grid: [GreedyPolicy]
        private let order: [Int]
        /// Whether policies wait for the proofs of runs under way (`next`), on several threads: then
        /// `keptRoomCopiesReservation` of the problem, for their `twins`.
        private let waitsForProofs: Bool?
        private var nextInOrder = 0
        /// Positions the order or the climb handed out, and those started.
        private var seen: Set<Int> = []
        private var started: Set<Int> = []
        /// Positions held back while a run under way may prove them (`mayBeProved`), in order.
        private var deferred: [Int] = []
        /// Per run under way, what it may prove: its `twins` had it met no rule, without their
        /// warm-up factor, from its factor up (`Proofs.add`).
        private var running: [Int: (twins: Set<GreedyPolicy>, factor: Double)] = [:]
        private var branched: [Int: Branch] = [:]
        private var bytes = 0

        init(grid: [GreedyPolicy], order: [Int], climb: Climb? = nil, waitsForProofs: Bool? = nil) {
            self.grid = grid
            self.order = order
            self.climb = climb
            self.waitsForProofs = waitsForProofs
        }

        /// Per grid position, the twin a run of it branches off at each rule's first decision
        /// (keyed by the rule's `State.RulesMet` raw value), where the grid holds the twin.
        static func children(_ grid: [GreedyPolicy], index: GridIndex? = nil) -> [Int: [UInt16: Int]] {
            let index = index ?? GridIndex(grid)
            var children: [Int: [UInt16: Int]] = [:]
            for (position, policy) in grid.enumerated() {
                var twins: [UInt16: Int] = [:]
                for rule in ProvableRule.all where rule.branches && rule.isFirst(policy) {
                    var twin = policy
                    rule.toAlternative(&twin)
                    if let twin = index.position[twin] { twins[rule.note.rawValue] = twin }
                }
                if let next = index.largerFactor[position] { twins[State.RulesMet.depthLimit.rawValue] = next }
                if !twins.isEmpty { children[position] = twins }
            }
            return children
        }

        /// The next run: the next policy in the order that no run proved, with the state branched
        /// off for it if there is one. `nil` when none is left. On several threads a policy that a
        /// run under way may prove waits for that run (the order goes on without it), unless every
        /// policy left waits: one thread going through the grid would have had the proof before
        /// reaching it (on the speed benchmark's V, 2 threads ran 23 policies more than one, 14% of
        /// the passes).
        mutating func next() -> (position: Int, resuming: State?)? {
            var index = 0
            while index < deferred.count {
                let position = deferred[index]
                if proofs.proves(grid[position]) {
                    deferred.remove(at: index)
                    drop(position)
                } else if !mayBeProved(position) {
                    deferred.remove(at: index)
                    return start(position)
                } else {
                    index += 1
                }
            }
            while let (position, scout) = nextHanded() {
                if proofs.proves(grid[position]) {
                    drop(position)
                } else if !scout && mayBeProved(position) {
                    deferred.append(position)
                } else {
                    return start(position)
                }
            }
            return deferred.isEmpty ? nil : start(deferred.removeFirst())
        }

        /// A run of the policy at `position` ended (its proofs added).
        mutating func finished(_ position: Int) {
            running[position] = nil
        }

        /// The next position of the climb (once the scouts have started) or of the order, each once,
        /// and whether it is a scout (the order's first, or the climb's), which runs early without
        /// waiting for proofs.
        private mutating func nextHanded() -> (position: Int, scout: Bool)? {
            while true {
                let scouts = climb?.scoutCount ?? 0
                let handed: (position: Int, scout: Bool)
                if nextInOrder >= scouts, let climbed = climb?.next() {
                    handed = (climbed, true)
                } else if nextInOrder < order.count {
                    handed = (order[nextInOrder], nextInOrder < scouts)
                    nextInOrder += 1
                } else {
                    return nil
                }
                if seen.insert(handed.position).inserted { return handed }
            }
        }

        /// Whether a run under way may prove the policy at `position`.
        private func mayBeProved(_ position: Int) -> Bool {
            let policy = grid[position], rest = Proofs.withoutWarmup(policy)
            return running.values.contains { $0.twins.contains(rest) && policy.warmupFactor >= $0.factor }
        }

        private mutating func start(_ position: Int) -> (position: Int, resuming: State?) {
            started.insert(position)
            if let copies = waitsForProofs {
                let policy = grid[position]
                running[position] = (Set(GreedySearch.twins(of: policy, met: [], copies: copies).map(Proofs.withoutWarmup)), policy.warmupFactor)
            }
            return (position, take(position))
        }

        /// A position no run will start: its branched state goes.
        private mutating func drop(_ position: Int) {
            started.insert(position)
            _ = take(position)
        }

        private mutating func take(_ position: Int) -> State? {
            guard let branch = branched.removeValue(forKey: position) else { return nil }
            bytes -= branch.state.bytes
            return branch.state
        }

        /// Whether to branch `state` off for the policy at `position`: it saves more than its copy
        /// costs (`pays`), no run started or proved that policy, none was branched for it yet, and
        /// the budget has room.
        func wants(_ position: Int, for state: State) -> Bool {
            Self.pays(state) && !started.contains(position) && branched[position] == nil && bytes + state.bytes <= Self.budget
                && !proofs.proves(grid[position])
        }

        /// Whether the passes a twin would not place again pay for copying `state`: at least one
        /// per 512 bytes copied (a pass costs about 1,200 instructions; on the V of the speed
        /// benchmark, 130 KB copied 130–700 passes in, branching took the grid on one thread
        /// from 26 to 22.5 ms; at p = 64, m = 512, 1.6 MB copied about 2,000 passes in, it
        /// took as long as the passes it saved).
        static func pays(_ state: State) -> Bool { state.logged * 512 >= state.bytes }

        /// Keeps `branch` for its policy's turn, unless a run started that policy or a state was
        /// branched for it meanwhile.
        mutating func add(_ branch: Branch) {
            guard !started.contains(branch.position), branched[branch.position] == nil else { return }
            branched[branch.position] = branch
            bytes += branch.state.bytes
        }
    }

    /// Where the scouts (`Proofs.scouts`) run, the search climbs from the best of them before the
    /// groups: each scout run that beats every scout before it queues its neighbours, the same
    /// policy at the grid's next smaller and next larger warm-up factor and with the other backward
    /// order (`GreedyPolicy.BackwardOrder`), which run next, as scouts; so on, while a scout
    /// improves. The scouts' fixed factors (1, 1.5, 2, 3) miss the depth a capped V or interleaved
    /// problem needs more often than not (on the speed benchmark's V the winner takes 1.75 and the
    /// earliest stage's backward first), and until a run near the winner sets the cutoff, the runs
    /// before it go on long. As with the scouts, running a policy early changes no result (the
    /// winner is the best run, on a tie the earliest in the grid); it only decides how soon the
    /// cutoff is good.
    struct Climb: Sendable {
        /// How many scouts head the order: the climb is served once they have all started.
        let scoutCount: Int
        /// Per grid position, its neighbours (see above).
        private let neighbours: [[Int]]
        private var tried: Set<Int>
        private var queued: [Int] = []
        private var best: ScheduleScore.Key?

        init(grid: [GreedyPolicy], index: GridIndex, scouts: [Int]) {
            scoutCount = scouts.count
            tried = Set(scouts)
            neighbours = grid.indices.map { position in
                var order = grid[position]
                order.backwardOrder = order.backwardOrder == .earliestReady ? .earliestStage : .earliestReady
                return [index.smallerFactor[position], index.largerFactor[position], index.position[order]].compactMap { $0 }
            }
        }

        /// A run of the policy at `position` ended with `key` (`nil`: cut off, stuck or stopped):
        /// a scout that beats every scout before it queues its neighbours not tried yet, in place
        /// of those still queued.
        mutating func ran(_ position: Int, key: ScheduleScore.Key?) {
            guard tried.contains(position), let key, best.map({ key.isBetter(than: $0) }) ?? true else { return }
            best = key
            // The neighbours of a scout it beat, not started yet, are no longer worth running early.
            for stale in queued { tried.remove(stale) }
            queued = neighbours[position].filter { tried.insert($0).inserted }
        }

        /// The next policy the climb queued, if any.
        mutating func next() -> Int? {
            queued.isEmpty ? nil : queued.removeFirst()
        }
    }

    /// Where the grid's policies sit: each policy's position, and per position the same policy at the
    /// grid's next smaller and next larger warm-up factor (`Branches.children`, `Climb`).
    struct GridIndex {
        let position: [GreedyPolicy: Int]
        let smallerFactor: [Int?]
        let largerFactor: [Int?]

        init(_ grid: [GreedyPolicy]) {
            position = Dictionary(grid.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            // Per policy without its warm-up factor, its positions by factor.
            var byFactor: [GreedyPolicy: [Int]] = [:]
            for (position, policy) in grid.enumerated() { byFactor[Proofs.withoutWarmup(policy), default: []].append(position) }
            var smaller = [Int?](repeating: nil, count: grid.count), larger = smaller
            for positions in byFactor.values {
                let sorted = positions.sorted { grid[$0].warmupFactor < grid[$1].warmupFactor }
                for (a, b) in zip(sorted, sorted.dropFirst()) {
                    larger[a] = b
                    smaller[b] = a
                }
            }
            smallerFactor = smaller
            largerFactor = larger
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
