import Foundation
import Testing
@testable import PipeSched

/// The greedy list scheduler (and local search from its best schedule): valid, within the memory
/// cap, on every placement; and as good as the handcrafted Zero Bubble schedules on their home ground.
@Suite struct GreedyTests {
    /// 1F1B-like peak of a problem: static memory plus as many microbatches as stages after the device.
    static func oneFOneBPeak(_ problem: Problem, device: Int) -> Double {
        let stages = problem.deviceStages[device]
        let perMicrobatch = stages.reduce(0) { $0 + problem.stages[$1].memory.forward }
        let depth = Double(min(problem.microbatches, problem.stageCount - stages[0]))
        return problem.staticMemory(device: device) + perMicrobatch * depth
    }

    static func capped(_ problem: Problem, factor: Double) throws -> Problem {
        let caps = (0..<problem.devices).map { max(problem.minimumMemory(device: $0), factor * oneFOneBPeak(problem, device: $0)) }
        return try Problem(name: problem.name, microbatches: problem.microbatches, devices: problem.devices, placement: problem.placement,
                           stages: problem.stages, communication: problem.communication, memoryLimit: caps)
    }

    static let cases: [(p: Int, mFactor: Int, placement: Placement, chunks: Int)] = [
        (2, 1, .sequential, 1), (3, 2, .sequential, 1), (4, 4, .sequential, 1), (8, 2, .sequential, 1), (16, 1, .sequential, 1),
        (2, 2, .v, 2), (4, 3, .v, 2), (6, 1, .v, 2), (3, 2, .interleaved, 2), (4, 2, .interleaved, 3),
        (4, 2, .explicit([0, 1, 2, 3, 3, 2, 1, 0, 0, 1]), 1),
    ]

    /// Every policy builds a valid schedule within the cap; each cap checks half of the grid
    /// (`PolicySample`), alternating, so every policy meets every case.
    @Test(arguments: cases.indices)
    func everyPolicyIsValidAndWithinTheCap(index: Int) throws {
        let c = Self.cases[index]
        let stageCount = { if case .explicit(let list) = c.placement { return list.count } else { return c.p * c.chunks } }()
        var base = TestProblems.random(devices: c.p, microbatches: c.p * c.mFactor, placement: .sequential, seed: UInt64(7 + index))
        if stageCount != c.p {
            let wide = TestProblems.random(devices: stageCount, microbatches: c.p * c.mFactor, seed: UInt64(7 + index))
            base = try Problem(name: wide.name, microbatches: wide.microbatches, devices: c.p, placement: c.placement,
                               stages: wide.stages, communication: wide.communication)
        }
        for (position, factor) in [1.0, 1.5, 2.0].enumerated() {
            let problem = try Self.capped(base, factor: factor)
            var found = 0
            for policy in PolicySample.policies(for: problem, fusing: true, every: 2, index: index + position) {
                guard let schedule = ListScheduler(problem: problem, policy: policy).schedule() else { continue }
                found += 1
                let issues = Validator.validate(problem, schedule)
                #expect(issues.isEmpty, "case \(index) cap×\(factor) \(policy): \(issues.prefix(3))")
            }
            #expect(found > 0, "case \(index) cap×\(factor): no policy found a schedule")
            let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
            let improved = LocalSearch(problem: problem, objective: .stageSpan, timeLimit: 60, maxEvaluations: 60, seed: UInt64(index)).improve(best.schedule)
            let issues = Validator.validate(problem, improved.schedule)
            #expect(issues.isEmpty, "local search, case \(index) cap×\(factor): \(issues.prefix(3))")
        }
    }

    @Test(arguments: [2, 4, 6, 8])
    func reachesZeroBubbleWithTwoPMinusOneMicrobatchesOfMemory(p: Int) throws {
        let problem = TestProblems.unit(devices: p, microbatches: 3 * p, memoryLimit: Double(2 * p - 1))
        let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
        #expect(best.value == Double(9 * p), "\(best.policy)")
    }

    @Test(arguments: [2, 4, 6, 8])
    func matchesZBH1AtOneFOneBMemory(p: Int) throws {
        let problem = TestProblems.unit(devices: p, microbatches: 3 * p, memoryLimit: Double(p))
        let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
        let zb = try Evaluation(problem, try ZBH1().build(problem), objective: .stageSpan).metrics.stageSpan
        #expect(best.value <= zb + 1e-9, "\(best.policy): \(best.value) vs ZB-H1 \(zb)")
    }

    /// Keeping the later stages' room for the oldest microbatch (instead of reserving it at
    /// admission) never deadlocks: wherever a policy finds a schedule with the reservation, the
    /// same policy without it finds one too, and it is valid and within the cap. Tiny problems cover
    /// backward passes that allocate, slices and latency; the GreedyTests cases real sizes. In eight
    /// parts (every eighth problem each), so that no single test holds a thread for long; each problem
    /// checks half of the reserving policies (`PolicySample`), the next one the other half.
    @Test(arguments: 0..<8)
    func laterStageRoomKeptForTheOldestNeverGetsStuck(part: Int) throws {
        var problems = (0..<200).map { TinyProblems.random(seed: UInt64($0)) }
        for (index, c) in Self.cases.enumerated() where c.placement != .sequential {
            let stageCount = { if case .explicit(let list) = c.placement { return list.count } else { return c.p * c.chunks } }()
            let wide = TestProblems.random(devices: stageCount, microbatches: c.p * c.mFactor, seed: UInt64(40 + index))
            let base = try Problem(name: wide.name, microbatches: wide.microbatches, devices: c.p, placement: c.placement,
                                   stages: wide.stages, communication: wide.communication)
            problems += try [0.5, 0.75, 1.0].map { try Self.capped(base, factor: $0) }
        }
        var compared = 0
        for (index, problem) in problems.enumerated()
        where index % 8 == part && problem.memoryLimit != nil && problem.devicesHoldSeveralStages {
            let reserving = PolicySample.distinctGrid(for: problem, fusing: true).filter { $0.laterStageMemory == .reservedAtAdmission }
            for policy in PolicySample.sample(reserving, every: 2, index: index / 8) {
                var kept = policy
                kept.laterStageMemory = .keptForOldest
                guard ListScheduler(problem: problem, policy: policy).schedule() != nil else { continue }
                let schedule = try #require(ListScheduler(problem: problem, policy: kept).schedule(), "\(problem.name) \(kept) got stuck")
                let issues = Validator.validate(problem, schedule)
                #expect(issues.isEmpty, "\(problem.name) \(kept): \(issues.prefix(3))")
                compared += 1
            }
        }
        #expect(compared > 150)
    }

    /// At ZB-V's own memory (2p chunk activations, unit costs) the greedy comes within two passes of
    /// ZB-V's zero bubble: room kept for the oldest microbatch counts what ready backwards and pending
    /// W passes are about to free, and a forwards-first device runs the W that makes room for a
    /// refused forward before a ready backward, so each device settles into ZB-V's F, B, W turn.
    /// Before both rules the grid reached 113 and 151 on the two larger problems.
    @Test func theGreedyNearsZeroBubbleAtZBVsMemory() throws {
        for (p, m, within) in [(4, 12, 1.0), (6, 18, 2.0), (8, 24, 2.0)] {
            let base = VFamilyTests.unitProblem(devices: p, microbatches: m)
            let zbv = try Evaluation(base, ZBV().build(base), objective: .stageSpan).metrics
            let cap = try #require(zbv.peakMemory.max())
            let capped = try Problem(name: "v\(p)", microbatches: m, devices: p, placement: .v, stages: base.stages,
                                     memoryLimit: Array(repeating: cap, count: p))
            let best = try #require(GreedySearch.best(capped, objective: .stageSpan))
            #expect(zbv.stageSpan == Double(6 * m))  // two chunks of F, B, W per microbatch on each device
            #expect(best.value <= zbv.stageSpan + within, "p=\(p) m=\(m): \(best.value) by \(best.policy)")
            #expect(Validator.validate(capped, best.schedule).isEmpty)
        }
    }

    /// A V of the greedy speed benchmark's kind (`pipesched-bench`'s `BenchProblems.makeV`): chunks of
    /// F = B = W = 0.5 (the first and last scaled by `first` and `last`), latency 0.05, a chunk's
    /// activations 0.5 freed half by B and half by W, each device capped at 2p chunk activations.
    static func speedV(devices p: Int, microbatches m: Int, first: Double = 1, last: Double = 1) throws -> Problem {
        let stages = (0..<(2 * p)).map { stage in
            let scale = 0.5 * (stage == 0 ? first : stage == 2 * p - 1 ? last : 1)
            return StageProfile(forward: scale, backwardInput: scale, backwardWeight: scale,
                                memory: MemoryDeltas(forward: 0.5, backwardInput: -0.25, backwardWeight: -0.25))
        }
        return try Problem(name: "v-p\(p)-m\(m)", microbatches: m, devices: p, placement: .v, stages: stages,
                           communication: Communication(latency: 0.05), memoryLimit: Array(repeating: Double(p), count: p))
    }

    /// Where a capped device holds several stages the grid tries warm-up factors between its old
    /// ones (1.25, 1.75, 2.5): the depth a V needs under a cap falls between them. On the uniform V of the
    /// speed benchmark (latency 0.05, 2p chunk activations) the grid went from 52.5 to 51.0 at p = 8,
    /// m = 16, and from 101.3 to 99.3 at m = 32 (ZB-V at m = 16: 50).
    @Test func finerWarmupFactorsPayOnAV() throws {
        for (p, m, reached) in [(8, 16, 51.0), (8, 32, 99.3)] {
            let problem = try Self.speedV(devices: p, microbatches: m)
            let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
            #expect(best.value <= reached + 1e-9, "p=\(p) m=\(m): \(best.value) by \(best.policy)")
            #expect(Validator.validate(problem, best.schedule).isEmpty)
        }
    }

    /// Llama 3 8B on 8 × H100 at 80 GB, m = 32, sequential (`pipesched profile --model
    /// Models/models/llama3-8b.json --hardware Models/hardware/h100-80gb.json --devices 8
    /// --microbatches 32`).
    static let llama3Sequential = #"""
    {"communication": {"contention": false, "latency": 0.01, "transfer": 1.34217728}, "devices": 8, "memoryLimit": 80, "microbatches": 32, "name": "llama3-8b-p8-m32", "partition": [4, 4, 4, 4, 4, 5, 5, 2], "placement": "sequential", "units": {"memory": "GiB", "time": "ms"}, "stages": [
      {"backwardInput": 47.24898299340748, "backwardWeight": 36.13157523025278, "forward": 41.69027911183013, "memory": {"backwardInput": -0.21875, "backwardWeight": -4.3125, "forward": 4.53125}, "staticMemory": 20.828125},
      {"backwardInput": 47.24898299340748, "backwardWeight": 36.13157523025278, "forward": 41.69027911183013, "memory": {"backwardInput": -0.25, "backwardWeight": -4.25, "forward": 4.5}, "staticMemory": 13},
      {"backwardInput": 47.24898299340748, "backwardWeight": 36.13157523025278, "forward": 41.69027911183013, "memory": {"backwardInput": -0.25, "backwardWeight": -4.25, "forward": 4.5}, "staticMemory": 13},
      {"backwardInput": 47.24898299340748, "backwardWeight": 36.13157523025278, "forward": 41.69027911183013, "memory": {"backwardInput": -0.25, "backwardWeight": -4.25, "forward": 4.5}, "staticMemory": 13},
      {"backwardInput": 47.24898299340748, "backwardWeight": 36.13157523025278, "forward": 41.69027911183013, "memory": {"backwardInput": -0.25, "backwardWeight": -4.25, "forward": 4.5}, "staticMemory": 13},
      {"backwardInput": 59.06122874175936, "backwardWeight": 45.16446903781598, "forward": 52.112848889787664, "memory": {"backwardInput": -0.3125, "backwardWeight": -5.3125, "forward": 5.625}, "staticMemory": 16.25},
      {"backwardInput": 59.06122874175936, "backwardWeight": 45.16446903781598, "forward": 52.112848889787664, "memory": {"backwardInput": -0.3125, "backwardWeight": -5.3125, "forward": 5.625}, "staticMemory": 16.25},
      {"backwardInput": 45.38160590819009, "backwardWeight": 39.82290202661274, "forward": 42.60225396740142, "memory": {"backwardInput": -2.14453125, "backwardWeight": -4.14453125, "forward": 6.2890625}, "staticMemory": 14.328125}]}
    """#

    /// Forwards first may keep a ready backward ahead of the `W` that would make room for a forward
    /// the cap refuses (`GreedyPolicy.makesRoomBeforeBackward` off): on Llama 3 8B that order wins,
    /// 5,145.88 ms, where the grid with only the other order finds 5,184.45 (as it did from
    /// 2026-12-05 to 06).
    @Test func forwardsFirstKeepsTheBackwardAheadWhereThatWins() throws {
        let problem = try Problem.decode(json: Data(Self.llama3Sequential.utf8))
        let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
        #expect(abs(best.value - 5_145.879410445466) < 1e-6 && !best.policy.preferBackward && !best.policy.makesRoomBeforeBackward,
                "\(best.value) by \(best.policy)")
        let other = GreedyPolicy.grid(for: problem).filter { $0.preferBackward || $0.makesRoomBeforeBackward }
        let without = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: other))
        #expect(without.value >= 5_184.45, "\(without.value) by \(without.policy)")
    }

    /// Where backwards of several stages are ready, the earliest stage's first
    /// (`GreedyPolicy.BackwardOrder.earliestStage`, ZB-V's steady state): on the uniform V of the
    /// speed benchmark (p = 8, m = 16) the grid reaches 50.6 with it and 51.0 without it (ZB-V: 50).
    @Test func theEarliestStagesBackwardFirstPaysOnAV() throws {
        let problem = try Self.speedV(devices: 8, microbatches: 16)
        let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
        #expect(best.value <= 50.6 + 1e-9 && best.policy.backwardOrder == .earliestStage, "\(best.value) by \(best.policy)")
        #expect(Validator.validate(problem, best.schedule).isEmpty)
        let without = GreedyPolicy.grid(for: problem).filter { $0.backwardOrder == .earliestReady }
        let old = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: without))
        #expect(old.value >= 51.0 - 1e-9, "\(old.value) by \(old.policy)")
    }

    /// Where devices hold several stages the grid runs its scouts first (`GreedySearch.Proofs.scouts`):
    /// there the best runs come from the rules' alternatives, which the grid's order reaches last,
    /// and a good run early cuts the later ones sooner. On V problems of the speed benchmark's kind
    /// (p = 8, m = 16, latency 0.05, 2p chunk activations; uniform, and with a heavier first and
    /// last chunk) the search places at most 80% of the passes it places without them (68% and 48%
    /// when measured), and finds the same schedule and policy.
    @Test func scoutsCutTheGridSooner() throws {
        for (name, first, last) in [("uniform", 1.0, 1.0), ("heterogeneous", 1.3, 2.2)] {
            let problem = try Self.speedV(devices: 8, microbatches: 16, first: first, last: last)
            let scouted = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: nil, shouldStop: nil, threads: 1, scouting: true))
            let plain = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: nil, shouldStop: nil, threads: 1, scouting: false))
            #expect(Double(scouted.passesRun) <= 0.8 * Double(plain.passesRun), "\(name): \(scouted.passesRun) against \(plain.passesRun)")
            #expect(scouted.schedule == plain.schedule && scouted.policy == plain.policy, "\(name)")
        }
    }

    /// The scouts' climb (`GreedySearch.Climb`): from the best scout, the same policy at the next
    /// warm-up factors and with the other backward order runs next, so on while one improves. On the
    /// uniform V of the speed benchmark's kind at p = 8, m = 32 the winner (warm-up factor 1.75, the
    /// earliest stage's backward first) sets the cutoff early, and the search places at most 80% of
    /// the passes it places without the climb (74% when measured; 60% before the grid offered W passes
    /// fitting idle time in the cool-down, whose twins run after the climb either way), with the same
    /// schedule and policy.
    @Test func theClimbCutsTheGridSooner() throws {
        let problem = try Self.speedV(devices: 8, microbatches: 32)
        let climbing = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: nil, shouldStop: nil, threads: 1, scouting: true))
        let plain = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: nil, shouldStop: nil, threads: 1, scouting: true,
                                                   climbing: false))
        #expect(Double(climbing.passesRun) <= 0.8 * Double(plain.passesRun), "\(climbing.passesRun) against \(plain.passesRun)")
        #expect(climbing.schedule == plain.schedule && climbing.policy == plain.policy)
    }

    /// Policies are equal exactly where every field is, and hash alike where equal (`GreedyPolicy`
    /// compares and hashes its enums by case, not by their raw-value strings): every combination of
    /// the fields' values is a distinct member of a set, and equals and hashes as its copy. A field
    /// added to the policy fails the count of fields until `GreedyPolicy.rules` and this test take it.
    @Test func policiesCompareAndHashByEveryField() {
        #expect(Mirror(reflecting: GreedyPolicy()).children.count == 12)
        var all: [GreedyPolicy] = []
        for warmup in [1, 1.5] {
            for preferBackward in [true, false] {
                for waits in [true, false] {
                    for makesRoom in [true, false] {
                      for coolDown in [true, false] {
                        for fill in GreedyPolicy.WeightFill.allCases {
                            for order in GreedyPolicy.ChunkOrder.allCases {
                                for backwardOrder in GreedyPolicy.BackwardOrder.allCases {
                                    for passes in GreedyPolicy.BackwardPasses.allCases {
                                        for actions in GreedyPolicy.MemoryActions.allCases {
                                            for later in GreedyPolicy.LaterStageMemory.allCases {
                                                for pairing in GreedyPolicy.Pairing.allCases {
                                                    all.append(GreedyPolicy(warmupFactor: warmup, preferBackward: preferBackward, weightFill: fill,
                                                                            chunkOrder: order, backward: passes, memoryActions: actions,
                                                                            laterStageMemory: later, pairing: pairing, waitsForBackward: waits,
                                                                            backwardOrder: backwardOrder, makesRoomBeforeBackward: makesRoom,
                                                                            fitsIdleInCoolDown: coolDown))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                      }
                    }
                }
            }
        }
        #expect(Set(all).count == all.count)
        for policy in all {
            let copy = GreedyPolicy(warmupFactor: policy.warmupFactor, preferBackward: policy.preferBackward, weightFill: policy.weightFill,
                                    chunkOrder: policy.chunkOrder, backward: policy.backward, memoryActions: policy.memoryActions,
                                    laterStageMemory: policy.laterStageMemory, pairing: policy.pairing,
                                    waitsForBackward: policy.waitsForBackward, backwardOrder: policy.backwardOrder,
                                    makesRoomBeforeBackward: policy.makesRoomBeforeBackward, fitsIdleInCoolDown: policy.fitsIdleInCoolDown)
            #expect(copy == policy && copy.hashValue == policy.hashValue)
        }
    }

    /// A twin the grid runs after a run it shares a beginning with goes on from a copy of that run's
    /// state at the step where their rules first differed (`GreedySearch.Branches`) instead of starting
    /// over: the search finds the same schedule and policy, placing fewer passes. On V problems of the
    /// speed benchmark's kind (p = 8, m = 16, uniform, and with a heavier first and last chunk) at most
    /// 85% of the passes it places without branching (65% and 72% when measured); on a heterogeneous
    /// chain (p = 8, m = 16, capped at 1p) no more (87%).
    @Test func branchedTwinsSaveWorkAndChangeNothing() throws {
        let chain = try Self.capped(TestProblems.random(devices: 8, microbatches: 16, placement: .sequential, chunks: 1, seed: 7), factor: 1)
        for (name, problem, most) in [("uniform V", try Self.speedV(devices: 8, microbatches: 16), 0.85),
                                      ("heterogeneous V", try Self.speedV(devices: 8, microbatches: 16, first: 1.3, last: 2.2), 0.85),
                                      ("chain", chain, 1.0)] {
            let scouting = problem.devicesHoldSeveralStages
            let branched = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: nil, shouldStop: nil, threads: 1, scouting: scouting))
            let plain = try #require(GreedySearch.best(problem, objective: .stageSpan, policies: nil, shouldStop: nil, threads: 1,
                                                       scouting: scouting, branching: false))
            #expect(Double(branched.passesRun) <= most * Double(plain.passesRun), "\(name): \(branched.passesRun) against \(plain.passesRun)")
            #expect(branched.schedule == plain.schedule && branched.policy == plain.policy, "\(name)")
        }
    }

    /// On a chain with link latency a device that starts one more forward as the first microbatch's
    /// backward arrives holds that backward back, and with it every earlier stage; Zero Bubble's
    /// greedy waits for it (`allow_bubble_before_first_b`). Waiting for the first backward
    /// (`GreedyPolicy.waitsForBackward` on a device holding one stage) makes the grid at least as good
    /// as Zero Bubble's greedy on uniform chains with latency (the search-quality benchmark's
    /// problems): it lost by up to 1.9% before (32.3 against 31.7 at p = 8, m = 8).
    @Test func theGreedyWaitsForTheFirstBackwardAsZeroBubblesGreedyDoes() throws {
        for (p, m) in [(8, 8), (16, 16), (16, 32), (16, 64)] {
            for capFactor in [1.0, 2.0] {
                let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                         memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
                let problem = try Problem(name: "u\(p)-\(m)", microbatches: m, devices: p, stages: Array(repeating: stage, count: p),
                                          communication: Communication(latency: 0.05),
                                          memoryLimit: Array(repeating: capFactor * Double(p), count: p))
                let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
                let zeroBubble = try Evaluation(problem, try #require(ZBGreedy.schedule(problem)), objective: .stageSpan).metrics.stageSpan
                #expect(best.value <= zeroBubble + 1e-9, "p=\(p) m=\(m) cap \(capFactor)p: \(best.value) by \(best.policy), zb-greedy \(zeroBubble)")
                #expect(Validator.validate(problem, best.schedule).isEmpty)
            }
        }
    }

    /// The grid on several threads keeps what one thread going through it in order keeps: the same
    /// schedule, value and policy (ties go to the earlier policy of the grid), on every placement,
    /// capped and not, with recomputation where the problem offers it.
    @Test(arguments: cases.indices)
    func threadsDoNotChangeTheResult(index: Int) throws {
        let c = Self.cases[index]
        let stageCount = { if case .explicit(let list) = c.placement { return list.count } else { return c.p * c.chunks } }()
        let wide = TestProblems.random(devices: stageCount, microbatches: c.p * c.mFactor, seed: UInt64(index))
        let base = try Problem(name: wide.name, microbatches: wide.microbatches, devices: c.p, placement: c.placement,
                               stages: wide.stages, communication: wide.communication)
        for problem in [base, try Self.capped(base, factor: 1.0)] {
            let one = GreedySearch.best(problem, objective: .stageSpan, threads: 1)
            for threads in [2, 3, 7] {
                let many = GreedySearch.best(problem, objective: .stageSpan, threads: threads)
                #expect(one?.schedule == many?.schedule, "\(problem.name), \(threads) threads")
                #expect(one?.value == many?.value && one?.policy == many?.policy, "\(problem.name), \(threads) threads")
            }
        }
    }
}

/// The greedy search treats sequence slices as ordinary passes (Seq1F1B-style problems).
@Suite struct GreedySliceTests {
    @Test(arguments: [(2, 2), (3, 3), (4, 2), (4, 4)])
    func greedyAndLocalSearchProduceValidSlicedSchedules(p: Int, k: Int) throws {
        for placement in [(Placement.sequential, 1), (.v, 2)] {
            let problem = TestProblems.randomSliced(devices: p, microbatches: 2 * p, slices: k, placement: placement.0,
                                                    chunks: placement.1, seed: UInt64(31 * p + k))
            let best = try #require(GreedySearch.best(problem, objective: .stageSpan))
            #expect(Validator.validate(problem, best.schedule).isEmpty)
            let improved = LocalSearch(problem: problem, objective: .stageSpan, maxEvaluations: 40).improve(best.schedule)
            #expect(Validator.validate(problem, improved.schedule).isEmpty)
        }
    }
}
