import Testing
@testable import PipeSched

/// The greedy engine's own bookkeeping against the project's referees: the score keys it computes
/// without building a schedule equal `ScheduleScore` on the simulated schedule, and the warm-up and
/// later-stage-memory pruning of `GreedySearch` skips only policies that would build the same schedule.
/// The claims that hold for every policy are checked on a rotating share of the grid per problem
/// (`PolicySample`), so that the problems together cover every policy.
@Suite struct ListSchedulerTests {
    /// Tiny problems of every shape (slices, ΔB > 0, caps), recomputable ones, and wider capped
    /// problems on sequential, V and interleaved placements.
    static func problems() -> [Problem] {
        var problems = (0..<48).map { TinyProblems.random(seed: $0) }
        problems += (0..<8).map { MemoryActionTests.recomputable(seed: $0) }
        for (index, shape) in [(4, 8, Placement.sequential, 1), (4, 8, .v, 2), (3, 6, .interleaved, 2), (6, 12, .sequential, 1)].enumerated() {
            let base = TestProblems.random(devices: shape.0, microbatches: shape.1, placement: shape.2, chunks: shape.3, seed: UInt64(300 + index))
            problems.append(base)
            for factor in [1.0, 1.5] {
                problems.append(try! GreedyTests.capped(base, factor: factor))
            }
        }
        return problems + overlapping()
    }

    /// Problems that declare time an overlapped F&B pair hides (`OverlappedPass.swift`), where the
    /// grid holds pairing policies: tiny ones on one device, and two pipelines in opposite
    /// directions (DualPipe's placement) and V placements, uncapped and capped.
    static func overlapping() -> [Problem] {
        var problems = (0..<2).map { OverlappedPassTests.tiny(seed: $0) }
        problems += (0..<4).map { hiding(PipelinesTests.tiny(seed: $0), fraction: 0.4) }
        for (index, shape) in [(4, 6, Placement.v, 2)].enumerated() {
            let base = hiding(TestProblems.random(devices: shape.0, microbatches: shape.1, placement: shape.2, chunks: shape.3,
                                                  seed: UInt64(400 + index)), fraction: 0.3)
            problems += [base, try! GreedyTests.capped(base, factor: 1.2)]
        }
        let two = try! PipelinesTests.bidirectional(microbatches: 4, latency: 0.1)
        problems += [hiding(two, fraction: 0.5), try! GreedyTests.capped(hiding(two, fraction: 0.5), factor: 1)]
        return problems
    }

    /// `problem` with `fraction` of every forward and input-gradient pass hideable by a pair.
    static func hiding(_ problem: Problem, fraction: Double) -> Problem {
        let stages = problem.stages.map { stage in
            StageProfile(slices: stage.slices.map { costs in
                var costs = costs
                costs.overlap = OverlapCost(forward: fraction * costs.forward, backward: fraction * costs.backwardInput)
                return costs
            }, staticMemory: stage.staticMemory)
        }
        return try! problem.with { $0.stages = stages; $0.name += "-hiding" }
    }

    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    /// The problems of one of `parts` parts (every `parts`-th), so that no single test case holds a
    /// thread for long (the server tests' requests share the machine's two threads).
    static func problems(part: Int, of parts: Int) -> [Problem] {
        problems().enumerated().filter { $0.offset % parts == part }.map(\.element)
    }

    @Test(arguments: 0..<4)
    func scoreKeysEqualTheSimulatorsScore(part: Int) throws {
        var checked = 0, retimed = 0
        for (index, problem) in Self.problems(part: part, of: 4).enumerated() {
            let setup = ListScheduler.Setup(problem)
            for policy in PolicySample.policies(for: problem, fusing: true, every: 3, index: index) {
                for objective in Objective.allCases {
                    let run = ListScheduler(problem: problem, policy: policy, setup: setup).scoredRun(objective: objective)
                    guard let key = run.key else { continue }
                    let schedule = run.state.schedule()
                    let score = try #require(ScheduleScore(problem, schedule, objective: objective), "\(problem.name) \(policy)")
                    let context = "\(problem.name) \(policy) \(objective)"
                    #expect(Self.same(key.value, score.value), "value \(key.value) vs \(score.value): \(context)")
                    #expect(Self.same(key.peak, score.peak), "peak \(key.peak) vs \(score.peak): \(context)")
                    #expect(Self.same(key.totalSpan, score.totalSpan), "total span \(key.totalSpan) vs \(score.totalSpan): \(context)")
                    #expect(Self.same(key.gradientFlow, score.gradientFlow), "gradient flow \(key.gradientFlow) vs \(score.gradientFlow): \(context)")
                    checked += 1
                    if run.state.ranAhead { retimed += 1 }
                }
            }
        }
        // Both ways of computing the keys are exercised.
        #expect(checked > 1000)
        #expect(retimed > 0 && retimed < checked, "\(retimed) of \(checked) runs re-timed")
    }

    @Test func aLargerWarmupBuildsTheSameScheduleWhereTheDepthNeverBound() throws {
        var compared = 0
        for (index, problem) in Self.problems().enumerated() {
            let setup = ListScheduler.Setup(problem)
            let grid = GreedyPolicy.grid(for: problem, fusing: true)
            for policy in PolicySample.policies(for: problem, fusing: true, every: 3, index: index) {
                let run = ListScheduler(problem: problem, policy: policy, setup: setup).scoredRun(objective: .stageSpan)
                guard !run.state.rulesMet.contains(.depthLimit) else { continue }
                let schedule = run.key == nil ? nil : run.state.schedule()
                for larger in grid where larger.warmupFactor > policy.warmupFactor {
                    var a = larger, b = policy
                    a.warmupFactor = 0
                    b.warmupFactor = 0
                    guard a == b else { continue }
                    #expect(ListScheduler(problem: problem, policy: larger, setup: setup).schedule() == schedule, "\(problem.name): \(policy) vs \(larger)")
                    compared += 1
                }
            }
        }
        #expect(compared > 100)
    }

    /// Where `GreedySearch.keptRoomCopiesReservation` holds, a policy keeping later-stage room for
    /// the oldest microbatch builds the same schedule as its reserving twin whenever the twin's cap
    /// never refused a pass; so skipping it loses nothing.
    @Test func keptRoomBuildsTheSameScheduleWhereTheCapNeverRefused() throws {
        var compared = 0
        for problem in Self.problems() where GreedySearch.keptRoomCopiesReservation(problem) {
            let setup = ListScheduler.Setup(problem)
            for policy in PolicySample.distinctGrid(for: problem, fusing: true) where policy.laterStageMemory == .keptForOldest {
                var twin = policy
                twin.laterStageMemory = .reservedAtAdmission
                let run = ListScheduler(problem: problem, policy: twin, setup: setup).scoredRun(objective: .stageSpan)
                guard !run.state.rulesMet.contains(.capRefusal) else { continue }
                let schedule = run.key == nil ? nil : run.state.schedule()
                #expect(ListScheduler(problem: problem, policy: policy, setup: setup).schedule() == schedule, "\(problem.name): \(policy)")
                compared += 1
            }
        }
        #expect(compared > 20)
    }

    /// Each policy of the grid that `GreedySearch.twins(of:met:copies:)` derives from a finished run
    /// (the rules the run never met changed) builds the same schedule, or gets stuck alike; so
    /// skipping it loses nothing. Each part meets twins of every rule a run notes (`State.RulesMet`;
    /// later-stage memory, which `keptRoomBuildsTheSameScheduleWhereTheCapNeverRefused` covers, only
    /// in some parts).
    @Test(arguments: 0..<4)
    func twinsBuildTheSameSchedule(part: Int) throws {
        var compared: [String: Int] = [:]
        for (index, problem) in Self.problems(part: part, of: 4).enumerated() {
            let setup = ListScheduler.Setup(problem)
            let grid = Set(GreedyPolicy.grid(for: problem, fusing: true))
            let copies = GreedySearch.keptRoomCopiesReservation(problem)
            for policy in PolicySample.policies(for: problem, fusing: true, every: 3, index: index) {
                let run = ListScheduler(problem: problem, policy: policy, setup: setup).scoredRun(objective: .stageSpan)
                let schedule = run.key == nil ? nil : run.state.schedule()
                for twin in GreedySearch.twins(of: policy, met: run.state.rulesMet, copies: copies) where twin != policy && grid.contains(twin) {
                    #expect(ListScheduler(problem: problem, policy: twin, setup: setup).schedule() == schedule, "\(problem.name): \(policy) vs \(twin)")
                    for rule in Self.changedRules(policy, twin) { compared[rule, default: 0] += 1 }
                }
            }
        }
        for rule in ["chunk order", "waits for B", "B first", "W fill", "W makes room", "W fits in cool-down"] + (Self.offersBackwardOrder(part: part) ? ["B order"] : []) {
            #expect(compared[rule, default: 0] > 0, "no twin differs in \(rule): \(compared)")
        }
    }

    /// A twin that a run branches off at the first step one of their rules decided
    /// (`GreedySearch.Branches`) builds what its own run from the start builds: the same orders,
    /// score keys and rules met (so it proves the same twins), under either objective; and under a
    /// cutoff, on the value or on the peak, it gives up as its own run does, having met the same
    /// rules (its floors come with the branched state, and the rules it had noted by each of them).
    @Test(arguments: 0..<4)
    func branchedTwinsBuildWhatTheirOwnRunsBuild(part: Int) throws {
        func same(_ a: ScheduleScore.Key?, _ b: ScheduleScore.Key?) -> Bool {
            a?.value == b?.value && a?.peak == b?.peak && a?.totalSpan == b?.totalSpan && a?.gradientFlow == b?.gradientFlow
        }
        var compared: [String: Int] = [:]
        for (index, problem) in Self.problems(part: part, of: 4).enumerated() {
            let setup = ListScheduler.Setup(problem)
            let grid = GreedySearch.distinctDepths(GreedyPolicy.grid(for: problem, fusing: true), problem: problem, setup: setup)
            let children = GreedySearch.Branches.children(grid)
            let objective: Objective = index % 2 == 0 ? .stageSpan : .makespan
            // A cutoff no run reaches: runs keep their floors, as under the grid's cutoffs, and finish.
            let far = ScheduleScore.Key(value: 1e15, peak: 1e15, totalSpan: 0, gradientFlow: 0)
            for position in grid.indices where position % 3 == index % 3 {
                guard let twins = children[position] else { continue }
                var branched: [(position: Int, state: State)] = []
                _ = ListScheduler(problem: problem, policy: grid[position], setup: setup).scoredRun(objective: objective, cutoff: far) { rule, state in
                    if let twin = twins[rule.rawValue] { branched.append((twin, State(copying: state, as: grid[twin]))) }
                }
                for (twin, state) in branched {
                    let scheduler = ListScheduler(problem: problem, policy: grid[twin], setup: setup)
                    let resumed = scheduler.scoredRun(objective: objective, cutoff: far, resuming: State(copying: state, as: grid[twin]))
                    let own = scheduler.scoredRun(objective: objective, cutoff: far)
                    let name = "\(problem.name): \(grid[position]) to \(grid[twin])"
                    #expect(same(resumed.key, own.key), "\(name)")
                    #expect((resumed.key.map { _ in resumed.state.schedule() }) == (own.key.map { _ in own.state.schedule() }), "\(name)")
                    #expect(resumed.state.rulesMet == own.state.rulesMet, "\(name)")
                    if let key = own.key {
                        // Cutoffs on the value, and one the run ties on the value and loses on the peak.
                        for (scale, peak) in [(0.6, 1e15), (0.9, 1e15), (0.999, 1e15), (1.001, 1e15), (1, 0.5 * key.peak)] {
                            let cutoff = ScheduleScore.Key(value: key.value * scale, peak: peak, totalSpan: 0, gradientFlow: 0)
                            let cut = scheduler.scoredRun(objective: objective, cutoff: cutoff, resuming: State(copying: state, as: grid[twin]))
                            let ownCut = scheduler.scoredRun(objective: objective, cutoff: cutoff)
                            #expect(same(cut.key, ownCut.key) && cut.state.rulesMet == ownCut.state.rulesMet, "\(name) at \(scale), \(peak)")
                        }
                    }
                    let rules = Self.changedRules(grid[position], grid[twin]) + (grid[twin].warmupFactor != grid[position].warmupFactor ? ["warm-up"] : [])
                    for rule in rules { compared[rule, default: 0] += 1 }
                }
            }
        }
        for rule in ["chunk order", "waits for B", "B first", "W fill", "W fits in cool-down", "warm-up"] + (Self.offersBackwardOrder(part: part) ? ["B order"] : []) {
            #expect(compared[rule, default: 0] > 0, "no branch differs in \(rule): \(compared)")
        }
    }

    /// A warm-up factor acts only through the depths it gives each stage
    /// (`ListScheduler.Setup.depthLimits`): a policy the grid drops because an earlier one differs
    /// from it only in a factor with the same depths (`GreedySearch.distinctDepths`) builds the
    /// same schedule as that one.
    @Test func factorsWithTheSameDepthsBuildTheSameSchedule() throws {
        var compared = 0
        for problem in Self.problems() where problem.devicesHoldSeveralStages {
            let setup = ListScheduler.Setup(problem)
            let grid = GreedyPolicy.grid(for: problem, fusing: true)
            let kept = GreedySearch.distinctDepths(grid, problem: problem, setup: setup)
            for (index, policy) in grid.enumerated() where index % 4 == 0 && !kept.contains(policy) {
                let depths = setup.depthLimits(warmupFactor: policy.warmupFactor, problem)
                let twin = try #require(kept.first { other in
                    var rest = other
                    rest.warmupFactor = policy.warmupFactor
                    return rest == policy && setup.depthLimits(warmupFactor: other.warmupFactor, problem) == depths
                })
                #expect(twin.warmupFactor < policy.warmupFactor)
                #expect(ListScheduler(problem: problem, policy: policy, setup: setup).schedule()
                        == ListScheduler(problem: problem, policy: twin, setup: setup).schedule(), "\(problem.name): \(policy) vs \(twin)")
                compared += 1
            }
        }
        #expect(compared > 50, "\(compared) compared")
    }

    /// Every policy a run could prove (`twins` of a run that met no rule, at every larger warm-up
    /// factor) comes after its prover both in the grid (so the prover wins their tie) and in the
    /// order the search runs the grid's groups (`GreedySearch.Proofs.order`; the scouts, where
    /// there are any, run before it by design).
    @Test func proversComeBeforeTheirTwins() throws {
        var pairs = 0
        for problem in Self.problems() {
            for fusing in [false, true] {
                let grid = GreedyPolicy.grid(for: problem, fusing: fusing)
                let position = Dictionary(uniqueKeysWithValues: grid.enumerated().map { ($1, $0) })
                let run = Dictionary(uniqueKeysWithValues: GreedySearch.Proofs.order(grid).enumerated().map { ($1, $0) })
                let factors = Set(grid.map(\.warmupFactor))
                for (index, policy) in grid.enumerated() {
                    for twin in GreedySearch.twins(of: policy, met: [], copies: true) {
                        for factor in factors where factor >= policy.warmupFactor {
                            var proved = twin
                            proved.warmupFactor = factor
                            guard proved != policy, let other = position[proved] else { continue }
                            #expect(index < other && run[index]! < run[other]!, "\(problem.name): \(policy) before \(proved)")
                            pairs += 1
                        }
                    }
                }
            }
        }
        #expect(pairs > 1000, "\(pairs) pairs")
    }

    /// Whether a problem of the part with several microbatches has the earliest stage's backward
    /// first in its grid (only capped problems whose devices hold several stages do,
    /// `GreedyPolicy.grid`). The one problem of part 2 that has it runs one microbatch, where the two
    /// backward orders never part.
    static func offersBackwardOrder(part: Int) -> Bool {
        problems(part: part, of: 4).contains { problem in
            problem.microbatches > 1 && GreedyPolicy.grid(for: problem, fusing: true).contains { $0.backwardOrder == .earliestStage }
        }
    }

    static func changedRules(_ a: GreedyPolicy, _ b: GreedyPolicy) -> [String] {
        var rules: [String] = []
        if a.chunkOrder != b.chunkOrder { rules.append("chunk order") }
        if a.waitsForBackward != b.waitsForBackward { rules.append("waits for B") }
        if a.preferBackward != b.preferBackward { rules.append("B first") }
        if a.weightFill != b.weightFill { rules.append("W fill") }
        if a.laterStageMemory != b.laterStageMemory { rules.append("later-stage memory") }
        if a.backwardOrder != b.backwardOrder { rules.append("B order") }
        if a.makesRoomBeforeBackward != b.makesRoomBeforeBackward { rules.append("W makes room") }
        if a.fitsIdleInCoolDown != b.fitsIdleInCoolDown { rules.append("W fits in cool-down") }
        return rules
    }

    /// The pruned grid search finds a schedule exactly as good as running every policy.
    /// A run gives up at a cutoff (the score keys of the best schedule so far) only when it loses to
    /// it: its value exceeds the cutoff's (its own times prove that before the end), or its value
    /// does not beat it and its peak memory exceeds the cutoff's; so the grid loses no schedule that
    /// could win; and it does give up early, on either rule. A cutoff tightened as the run goes
    /// (`State.tightenCutoff`) decides as if it had been set so.
    @Test(arguments: 0..<8)
    func aRunGivesUpAtACutoffOnlyWhenItLosesToIt(part: Int) throws {
        var cut = 0, kept = 0, cutAfterRunningAhead = 0, cutOnPeak = 0
        for (index, problem) in Self.problems(part: part, of: 8).enumerated() {
            let setup = ListScheduler.Setup(problem)
            for policy in PolicySample.policies(for: problem, fusing: true, every: 4, index: index) {
                for objective in Objective.allCases {
                    let scheduler = ListScheduler(problem: problem, policy: policy, setup: setup)
                    guard let key = scheduler.scoredRun(objective: objective).key else { continue }
                    let cutoffs = [0.5, 0.99, 1.0].map { (value: key.value * $0, peak: Double.infinity) }
                        + [0.99, 1.0].map { (value: key.value, peak: key.peak * $0) } + [(value: key.value * 1.01, peak: key.peak * 0.5)]
                    for (value, peak) in cutoffs {
                        let cutoff = ScheduleScore.Key(value: value, peak: peak, totalSpan: 0, gradientFlow: 0)
                        let run = scheduler.scoredRun(objective: objective, cutoff: cutoff)
                        let context = "\(problem.name) \(policy) \(objective) cutoff \(value), \(peak) of \(key.value), \(key.peak)"
                        if run.state.cutOff {
                            cut += 1
                            if run.state.ranAhead { cutAfterRunningAhead += 1 }
                            if value == key.value { cutOnPeak += 1 }
                            #expect(run.key == nil && cutoff.isBetter(than: key), "\(context)")
                        } else {
                            kept += 1
                            #expect(run.key.map { Self.same($0.value, key.value) } == true, "\(context)")
                        }
                        // Set loose and tightened to the same keys as the run starts (`State.tightenCutoff`,
                        // as another thread's best does), the cutoff decides alike.
                        let loose = ScheduleScore.Key(value: 2 * key.value, peak: .infinity, totalSpan: 0, gradientFlow: 0)
                        let tightened = scheduler.scoredRun(objective: objective, cutoff: loose, bestSoFar: { cutoff })
                        #expect(tightened.state.cutOff == run.state.cutOff && tightened.key?.value == run.key?.value, "tightened: \(context)")
                    }
                }
            }
        }
        // Runs whose clock ran ahead are judged on the simulator's times (`SimulatedTimes`).
        #expect(cut > 100 && kept > 100 && cutAfterRunningAhead > 0 && cutOnPeak > 20,
                "\(cut) runs cut off (\(cutAfterRunningAhead) after running ahead, \(cutOnPeak) on their peak), \(kept) kept")
    }

    /// The warm-up depth counts the microbatches in flight at a device's first stage, from its
    /// forward to its backward, so it follows that stage's round trip (the whole pipeline on device 0
    /// of a V or an interleaved placement), not the shortest round trip of the device's stages (the
    /// V's turn, one pass long), which held device 0 to one microbatch at a time.
    @Test(arguments: [Placement.v, .interleaved])
    func theWarmupDepthFollowsTheFirstStagesRoundTrip(placement: Placement) throws {
        let unit = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        let problem = try Problem(name: "unit-\(placement)", microbatches: 8, devices: 4, placement: placement,
                                  stages: Array(repeating: unit, count: 8))
        let first = problem.deviceStages[0][0]
        let window = StartupBound.window(problem, stage: first, chains: MicrobatchChains(problem))
        #expect(window == 15)  // F(0) to F(7), then B(7) to B(1)
        let depth = min(problem.microbatches, Int((window / 4).rounded(.up)))  // F + B of both stages: 4
        let order = try #require(ListScheduler(problem: problem, policy: GreedyPolicy(warmupFactor: 1)).schedule()).orders[0]
        let firstBackward = try #require(order.firstIndex { $0.kind == .backwardInput && $0.stage == first })
        #expect(order[..<firstBackward].filter { $0.kind == .forward && $0.stage == first }.count == depth)
    }

    /// Depth first and waiting (`ChunkOrder.depthFirstWaiting`), a later stage's forward that
    /// arrives within half of the forward the device could start now goes first (the device waits
    /// for it), as Zero Bubble's V schedule leaves room for the turn; arriving later, it waits behind
    /// that forward. Plain depth first and breadth first never wait for it. V on 2 devices, forwards of 2,
    /// messages of `latency`: device 0 runs F(0, 0..2) from 0 to 6, and F(3, 0) arrives at
    /// 6 + 2 · latency (F(1, 0) and F(2, 0) run on device 1 from 2 + latency to 6 + latency).
    @Test(arguments: [(0.25, true), (0.49, true), (0.5, false), (0.75, false)])
    func aLaterStagesForwardAboutToArriveGoesFirst(latency: Double, waits: Bool) throws {
        let stage = StageProfile(forward: 2, backwardInput: 1, backwardWeight: 1)
        let problem = try Problem(name: "turn", microbatches: 4, devices: 2, placement: .v, stages: Array(repeating: stage, count: 4),
                                  communication: Communication(latency: latency))
        let policy = GreedyPolicy(warmupFactor: 1000, weightFill: .fitIdle, chunkOrder: .depthFirstWaiting)
        let timeline = try Simulator.simulate(problem, try #require(ListScheduler(problem: problem, policy: policy).schedule())).timeline[0]
        let turn = try #require(timeline.first { $0.op == .forward(3, 0) })
        let fourth = try #require(timeline.first { $0.op == .forward(0, 3) })
        #expect(turn.start == (waits ? 6 + 2 * latency : 8), "\(timeline)")
        #expect((turn.start < fourth.start) == waits, "\(timeline)")
        for order in [GreedyPolicy.ChunkOrder.depthFirst, .breadthFirst] {
            let other = try #require(ListScheduler(problem: problem, policy: GreedyPolicy(warmupFactor: 1000, weightFill: .fitIdle, chunkOrder: order))
                .schedule()).orders[0]
            #expect(other.firstIndex(of: .forward(0, 3))! < other.firstIndex(of: .forward(3, 0))!, "\(order)")
        }
    }

    @Test func pruningKeepsTheBestOfTheFullGrid() throws {
        for problem in Self.problems() {
            let best = GreedySearch.best(problem, objective: .stageSpan)
            var full: (key: ScheduleScore.Key, policy: GreedyPolicy)?
            for policy in GreedyPolicy.grid(for: problem) {
                guard let key = ListScheduler(problem: problem, policy: policy).scoredRun(objective: .stageSpan).key else { continue }
                if full == nil || key.isBetter(than: full!.key) { full = (key, policy) }
            }
            #expect((best == nil) == (full == nil), "\(problem.name)")
            if let best, let full {
                #expect(Self.same(best.value, full.key.value) && Self.same(best.peakMemory, full.key.peak), "\(problem.name)")
                // The first of the best in grid order, whatever order the runs went in (the scouts first).
                #expect(best.policy == full.policy, "\(problem.name): \(best.policy) against \(full.policy)")
            }
        }
    }

    /// Pairing policies build valid schedules within the cap whose pairs each join a forward and a
    /// backward both ready at the pair's start; on DualPipe's placement with hideable time they
    /// pair and beat the same policies without pairs.
    @Test func pairingPoliciesBuildValidPairedSchedules() throws {
        var paired = 0
        for problem in Self.overlapping() {
            for policy in PolicySample.distinctGrid(for: problem) where policy.pairing == .whenBothReady {
                guard let schedule = ListScheduler(problem: problem, policy: policy).schedule() else { continue }
                let issues = Validator.validate(problem, schedule)
                #expect(issues.isEmpty, "\(problem.name) \(policy): \(issues.prefix(3))")
                if schedule.hasOverlaps { paired += 1 }
            }
        }
        #expect(paired > 100, "\(paired) paired schedules")
        let two = Self.hiding(try PipelinesTests.bidirectional(microbatches: 8), fraction: 0.5)
        let withPairs = try #require(GreedySearch.best(two, objective: .stageSpan))
        let without = try #require(GreedySearch.best(two, objective: .stageSpan, policies: GreedyPolicy.grid(for: two).filter { $0.pairing == .none }))
        #expect(withPairs.policy.pairing == .whenBothReady && withPairs.schedule.hasOverlaps)
        #expect(withPairs.value < without.value - 1e-9, "\(withPairs.value) vs \(without.value)")
    }

    /// With two pipelines in opposite directions a device's "latest stage first" is the stage
    /// deeper in its own pipeline (nearer its loss), not the larger stage index: the first
    /// microbatch of each pipeline then runs straight through, one forward per device, as in
    /// DualPipe, instead of waiting at every device for the other pipeline's warm-up forwards.
    @Test func depthFirstMeansDeeperInItsOwnPipeline() throws {
        let unit = StageProfile(forward: 1, backwardInput: 2, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        let problem = try Problem(name: "bidirectional-4", microbatches: 8, devices: 4, placement: .v, stages: Array(repeating: unit, count: 8),
                                  pipelines: 2)
        for order in [GreedyPolicy.ChunkOrder.depthFirst, .depthFirstWaiting] {
            let schedule = try #require(ListScheduler(problem: problem, policy: GreedyPolicy(warmupFactor: 1000, chunkOrder: order)).schedule())
            let starts = Dictionary(uniqueKeysWithValues: try Simulator.simulate(problem, schedule).timeline.joined().map { ($0.op, $0.start) })
            for stage in 0..<8 {
                #expect(starts[.forward(stage, 0)] == Double(stage % 4), "\(order): F(\(stage), 0) starts at \(starts[.forward(stage, 0)] ?? -1)")
            }
        }
    }

    /// Random V and interleaved problems whose input-gradient pass allocates and whose passes hold
    /// memory to the step's end, as PyTorch's runtime does (`--backward-split torch`,
    /// docs/cost-model.md), capped between one and three microbatches' worth above what the step
    /// holds at its end.
    static func allocatingBackward(seed: UInt64) -> Problem {
        var rng = SeededGenerator(seed: seed)
        func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &rng) }
        let devices = Int.random(in: 2...4, using: &rng), microbatches = Int.random(in: 4...12, using: &rng)
        let stages = (0..<2 * devices).map { _ -> StageProfile in
            let forward = uniform(0.5...1.5), backward = uniform(0.1...0.6), held = forward * uniform(0...0.2)
            return StageProfile(forward: uniform(0.5...2), backwardInput: uniform(0.5...2), backwardWeight: uniform(0.3...1.5),
                                memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: held - forward - backward),
                                staticMemory: uniform(0...2))
        }
        let problem = try! Problem(name: "allocating-backward-\(seed)", microbatches: microbatches, devices: devices,
                                   placement: seed % 2 == 0 ? .v : .interleaved, stages: stages,
                                   communication: Communication(latency: uniform(0...0.3)))
        let caps = (0..<devices).map { device -> Double in
            let held = problem.deviceStages[device].reduce(0.0) { $0 + problem.stages[$1].memory.heldToStepEnd } * Double(microbatches)
            let unit = problem.deviceStages[device].reduce(0.0) { $0 + problem.stages[$1].memory.forward + problem.stages[$1].memory.backwardInput }
            return problem.staticMemory(device: device) + held + unit * uniform(1...3)
        }
        return try! problem.withMemoryLimit(caps)
    }

    /// Where an input-gradient pass allocates, a device whose forwards filled its memory can run no
    /// backward, and a run of split passes may get stuck (on Llama 3 70B under PyTorch's memory the
    /// grid's best came from fused `BW` runs, docs/search.md). Under `splitKeepingRoom` forwards leave
    /// room for one backward, and the room kept for the oldest microbatch's later forwards
    /// (`keptForOldest`) does not hold a backward back: every such policy of the grid finishes,
    /// within the caps.
    @Test(arguments: 0..<8)
    func backwardsThatAllocateNeverStrandTheGreedy(seed: UInt64) throws {
        let problem = Self.allocatingBackward(seed: seed)
        let keeping = GreedyPolicy.grid(for: problem).filter { $0.backward == .splitKeepingRoom }
        #expect(keeping.count * 3 == GreedyPolicy.grid(for: problem).count, "the grid offers it beside split and fused passes")
        for policy in keeping {
            let schedule = try #require(ListScheduler(problem: problem, policy: policy).schedule(), "\(problem.name) \(policy) got stuck")
            let issues = Validator.validate(problem, schedule)
            #expect(issues.isEmpty, "\(problem.name) \(policy): \(issues.prefix(3))")
        }
    }
}
