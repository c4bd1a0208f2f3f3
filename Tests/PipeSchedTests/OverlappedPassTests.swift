import Foundation
import Testing
@testable import PipeSched

/// The overlapped F&B pass (`OverlappedPass.swift`): its duration, its timing in the simulator, the
/// validator's rules, the bounds (exhaustive search over pairings is the referee), the families and
/// searches that meet it.
@Suite struct OverlappedPassTests {
    /// One device holding two stages (a forward of stage 0 can overlap a backward of stage 1), with
    /// `f` of each forward and `b` of each input-gradient pass hideable.
    static func twoChunks(microbatches m: Int = 2, f: Double = 1, b: Double = 1, latency: Double = 0) -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 3, backwardInput: 4, backwardWeight: 2,
                                                    memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1),
                                                    overlap: OverlapCost(forward: f, backward: b))])
        return try! Problem(name: "two-chunks", microbatches: m, devices: 1, placement: .interleaved, stages: [stage, stage],
                            communication: Communication(latency: latency))
    }

    /// A tiny random problem (`TinyProblems`) on one device with two or three chunks, with a random
    /// hideable part of every forward and input-gradient pass.
    static func tiny(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed &* 104_729 &+ 3)
        let base = TinyProblems.random(seed: [4, 12, 20, 28][Int(seed % 4)])  // the (1 device, 2 microbatches, 2 chunks) shape
        let stages = base.stages.map { stage in
            StageProfile(slices: stage.slices.map { costs in
                var costs = costs
                let f = (costs.forward * Double(Int.random(in: 0...2, using: &generator)) / 2).rounded()
                let b = (costs.backwardInput * Double(Int.random(in: 0...2, using: &generator)) / 2).rounded()
                // Some compute stays (a stage that is all communication is refused).
                let (hideF, hideB) = f + b < costs.work ? (f, b) : (min(f, max(0, costs.work - 1)), 0)
                costs.overlap = OverlapCost(forward: hideF, backward: hideB)
                return costs
            }, staticMemory: stage.staticMemory)
        }
        let capped = seed % 2 == 0 ? base.memoryLimit : nil
        return try! base.with { $0.stages = stages; $0.name = "tiny-overlap-\(seed)"; $0.memoryLimit = capped }
    }

    @Test func aPairLastsTheSlowerOfItsComputeAndItsCommunication() {
        let problem = Self.twoChunks(f: 1, b: 1)
        // Compute 3 − 1 + 4 − 1 = 5 against communication 1 + 1 = 2.
        #expect(problem.overlappedDuration(.forward(0, 1), .backwardInput(1, 0)) == 5)
        // A fused BW hides the same part of its B; W has no communication.
        #expect(problem.overlappedDuration(.forward(0, 1), .backward(1, 0)) == 7)
        let heavy = Self.twoChunks(f: 3, b: 4)
        #expect(heavy.overlappedDuration(.forward(0, 1), .backwardInput(1, 0)) == 7)  // all communication: 3 + 4
        let none = Self.twoChunks(f: 0, b: 0)
        #expect(!none.hasOverlap)
        #expect(none.overlappedDuration(.forward(0, 1), .backwardInput(1, 0)) == 7)
    }

    /// F(s0,m1) with B(s1,m0) on the one device: both passes' inputs must be there.
    static let pairedOrder: [Op] = [.forward(0, 0), .forward(1, 0), .forward(0, 1), .backwardInput(1, 0), .backwardWeight(1, 0),
                                    .backwardInput(0, 0), .backwardWeight(0, 0), .forward(1, 1), .backwardInput(1, 1),
                                    .backwardWeight(1, 1), .backwardInput(0, 1), .backwardWeight(0, 1)]

    @Test func thePairStartsWhenBothInputsAreThereAndEndsTogether() throws {
        let problem = Self.twoChunks(f: 1, b: 1)
        let schedule = Schedule(orders: [Self.pairedOrder], overlaps: [[2]])
        let simulation = try Simulator.simulate(problem, schedule)
        let row = simulation.timeline[0]
        #expect(row[2].start == 6 && row[3].start == 6)  // after F(0,0) and F(1,0)
        #expect(row[2].end == 11 && row[3].end == 11)
        #expect(row[2].overlapped && row[3].overlapped && !row[4].overlapped)
        let sequential = try Simulator.simulate(problem, schedule.sequential)
        #expect(sequential.timeline[0].last!.end - row.last!.end == 2)  // 3 + 4 − 5 saved
        #expect(Validator.validate(problem, simulation.timeline).isEmpty)
        // Memory moves as the forward then the backward would: the same levels as the two in a row.
        #expect(simulation.memoryAfterOp == sequential.memoryAfterOp)
    }

    @Test func theBubbleRateCountsAPairsDeviceTimeOnce() throws {
        let problem = Self.twoChunks(f: 1, b: 1)
        let evaluation = try Evaluation(problem, Schedule(orders: [Self.pairedOrder], overlaps: [[2]]), objective: .stageSpan)
        // One device: busy all the time, 36 of work less 2 hidden in 34.
        #expect(evaluation.metrics.stageSpan == 34)
        #expect(abs(evaluation.metrics.bubbleRate) < 1e-12)
    }

    @Test func malformedPairsAreRefusedByTheValidatorAndTheSimulator() throws {
        let problem = Self.twoChunks()
        for (overlaps, text) in [([Set([0])], "forward followed by a B or BW"), ([Set([11])], "order has 12 passes"),
                                 ([Set([3])], "forward followed by a B or BW"), ([Set([-1])], "order has 12 passes"),
                                 ([Set([2]), Set([0])], "marks overlapped pairs on 2 devices")] {
            let schedule = Schedule(orders: [Self.pairedOrder], overlaps: overlaps)
            let issues = Validator.validate(problem, schedule)
            #expect(issues.contains { $0.rule == .structure && $0.message.contains(text) }, "\(overlaps): \(issues)")
            #expect(throws: SimulationError.self) { try Simulator.simulate(problem, schedule) }
        }
    }

    @Test func aPairWhoseBackwardNeedsItsForwardDeadlocks() throws {
        // F(0,1) then B(1,1): B(1,1) needs F(1,1), which needs F(0,1): no pass of the pair can start.
        let problem = Self.twoChunks()
        let order: [Op] = [.forward(0, 0), .forward(1, 0), .backwardInput(1, 0), .backwardInput(0, 0), .forward(0, 1),
                           .forward(1, 1), .backwardInput(1, 1), .backwardInput(0, 1), .backwardWeight(1, 0), .backwardWeight(0, 0),
                           .backwardWeight(1, 1), .backwardWeight(0, 1)]
        let stuck = Schedule(orders: [[.forward(0, 0), .forward(1, 0), .backwardInput(1, 0), .backwardInput(0, 0), .forward(0, 1),
                                       .backwardInput(1, 1), .forward(1, 1), .backwardInput(0, 1), .backwardWeight(1, 0),
                                       .backwardWeight(0, 0), .backwardWeight(1, 1), .backwardWeight(0, 1)]], overlaps: [[4]])
        #expect(Validator.validate(problem, Schedule(orders: [order])).isEmpty)
        #expect(throws: SimulationError.self) { try Simulator.simulate(problem, stuck) }
        #expect(Validator.validate(problem, stuck).contains { $0.rule == .deadlock })
    }

    @Test func aTimelineMustKeepAPairTogether() throws {
        let problem = Self.twoChunks(f: 1, b: 1)
        let good = try Simulator.simulate(problem, Schedule(orders: [Self.pairedOrder], overlaps: [[2]])).timeline
        var apart = good
        apart[0][3].start += 1
        apart[0][3].end += 1
        #expect(Validator.validate(problem, apart).contains { $0.rule == .overlap || $0.rule == .duration })
        var lonely = good
        lonely[0][3].overlapped = false
        #expect(!Validator.validate(problem, lonely).isEmpty)
        var stretched = good
        stretched[0][2].end += 2
        stretched[0][3].end += 2
        #expect(Validator.validate(problem, stretched).contains { $0.rule == .duration })
    }

    @Test func theScheduleFileKeepsThePairs() throws {
        let problem = Self.twoChunks(f: 1, b: 1)
        let evaluation = try Evaluation(problem, Schedule(orders: [Self.pairedOrder], overlaps: [[2]]), objective: .stageSpan)
        let document = ScheduleDocument(problem: problem, method: "test", objective: .stageSpan, evaluation: evaluation)
        let json = try document.json()
        #expect(String(decoding: json, as: UTF8.self).components(separatedBy: "\"overlapped\" : true").count == 3)
        let decoded = try ScheduleDocument.decode(json: json)
        #expect(Schedule(decoded.timedTimeline) == Schedule(orders: [Self.pairedOrder], overlaps: [[2]]))
        // Files without pairs do not mention them.
        let plain = ScheduleDocument(problem: problem, method: "test", objective: .stageSpan,
                                     evaluation: try Evaluation(problem, Schedule(orders: [Self.pairedOrder]), objective: .stageSpan))
        #expect(!String(decoding: try plain.json(), as: UTF8.self).contains("overlapped"))
    }

    /// A hideable part over its pass by the checks' rounding tolerance still relaxes (to 0), so the
    /// bounds read the relaxed problem, never the unrelaxed one.
    @Test func theRelaxationNeverGoesBelowZero() throws {
        let stage = StageProfile(slices: [PassCosts(forward: 3, backwardInput: 4, backwardWeight: 2,
                                                    overlap: OverlapCost(forward: 3 + 1e-13, backward: 1))])
        let problem = try Problem(microbatches: 2, devices: 1, placement: .interleaved, stages: [stage, stage])
        let relaxed = problem.overlapRelaxation
        #expect(relaxed.stages[0].forward == 0 && relaxed.stages[0].backwardInput == 3)
        #expect(!relaxed.hasOverlap)
    }

    @Test func theProblemFileCarriesOverlapTimesAndRefusesImpossibleOnes() throws {
        let problem = Self.twoChunks(f: 1, b: 2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(problem)
        #expect(try Problem.decode(json: json) == problem)
        let text = String(decoding: json, as: UTF8.self)
        let tooMuch = text.replacingOccurrences(of: "\"backward\" : 2", with: "\"backward\" : 5")
        #expect(tooMuch != text)
        do {
            _ = try Problem.decode(json: Data(tooMuch.utf8))
            Issue.record("a hideable time longer than its pass was accepted")
        } catch {
            #expect(error.field == "stages[0].overlap.backward")
        }
    }

    /// Exhaustive search over orders and pairings is the referee: pairs reach optima nothing else
    /// does (on `tiny-overlap-1` and `-3`, uncapped), and no bound or method's claim passes them.
    @Test(arguments: RefereeSeeds.first(8))
    func boundsHoldAndPairsOnlyHelpUnderExhaustiveSearch(seed: UInt64) throws {
        let problem = Self.tiny(seed: seed)
        let plain = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan, options: .init(overlaps: false)))
        for objective in Objective.allCases {
            let paired = try #require(ExhaustiveSearch.solve(problem, objective: objective), "\(problem.name) is not tiny")
            if objective == .stageSpan {
                #expect(paired.optimum <= plain.optimum + 1e-9)
                if [1, 3].contains(seed) {
                    #expect(paired.optimum < plain.optimum - 1e-9 && paired.best.hasOverlaps, "only a pair reaches the optimum of \(problem.name)")
                }
            }
            let parts = LowerBound.parts(problem, objective: objective)
            for (name, bound) in parts.named {
                #expect(bound <= paired.optimum + 1e-9, "\(objective) \(name) bound \(bound) > optimum \(paired.optimum) on \(problem.name)")
            }
            // Every method's bound and gap stay true on a problem with pairs.
            for method in ["greedy", "local", "auto"] {
                let solution = try Methods.solve(problem, method: method, options: SolveOptions(objective: objective, timeLimit: 0.2))
                #expect(solution.evaluation.metrics.lowerBound <= paired.optimum + 1e-9)
                #expect(solution.evaluation.metrics.value(of: objective) >= paired.optimum - 1e-9)
            }
        }
    }

    @Test func dualPipeVOverlapsItsPairsOnlyWhereTheProblemHidesTime() throws {
        let plain = TestProblems.unit(devices: 4, microbatches: 8, placement: .v, chunks: 2)
        let unpaired = try DualPipeV().build(plain)
        #expect(!unpaired.hasOverlaps)
        let stages = plain.stages.map { stage in
            StageProfile(slices: stage.slices.map { var c = $0; c.overlap = OverlapCost(forward: 0.5, backward: 0.5); return c })
        }
        let hiding = try plain.with { $0.stages = stages }
        let paired = try DualPipeV().build(hiding)
        #expect(paired.orders == unpaired.orders)
        // PyTorch 2.13's ScheduleDualPipeV, p=4, m=8, writes 5, 6, 7 and 7 OVERLAP_F_B cells on ranks 0–3
        // (their places: `TorchCSVRoundTripTests`).
        #expect(paired.overlaps.map(\.count) == [5, 6, 7, 7])
        let better = try Evaluation(hiding, paired, objective: .stageSpan)
        let worse = try Evaluation(hiding, paired.sequential, objective: .stageSpan)
        #expect(better.isValid, "\(better.issues)")
        #expect(better.metrics.stageSpan < worse.metrics.stageSpan)
    }

    @Test func pairingKeepsOnlyPairsThatHelpAndAutoUsesIt() throws {
        let problem = Self.twoChunks(f: 1, b: 1)
        let plain = Schedule(orders: [Self.pairedOrder])
        let paired = try #require(OverlapPairing(problem: problem, objective: .stageSpan).improve(plain))
        #expect(paired.overlaps == [[2]])
        let before = try #require(ScheduleScore(problem, plain, objective: .stageSpan))
        let after = try #require(ScheduleScore(problem, paired, objective: .stageSpan))
        #expect(after.isBetter(than: before))
        // Nothing to hide, nothing to pair.
        #expect(OverlapPairing(problem: Self.twoChunks(f: 0, b: 0), objective: .stageSpan).improve(plain) == nil)
        // auto ends no worse than its best candidate with the pairs that help.
        let solution = try Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: 0.5))
        #expect(solution.evaluation.isValid)
        #expect(solution.evaluation.metrics.stageSpan <= after.value + 1e-9)
    }

    @Test func localSearchFromAPairedStartNeverReturnsWorse() throws {
        let problem = Self.twoChunks(microbatches: 3, f: 1.5, b: 2)
        var order: [Op] = []
        // A hand-made V-ish order with pairs: F0 F1 of each microbatch, then each backward paired.
        order = [.forward(0, 0), .forward(1, 0), .forward(0, 1), .backwardInput(1, 0), .forward(1, 1), .backwardInput(0, 0),
                 .forward(0, 2), .backwardInput(1, 1), .forward(1, 2), .backwardInput(0, 1), .backwardInput(1, 2), .backwardInput(0, 2),
                 .backwardWeight(1, 0), .backwardWeight(0, 0), .backwardWeight(1, 1), .backwardWeight(0, 1), .backwardWeight(1, 2),
                 .backwardWeight(0, 2)]
        let start = Schedule(orders: [order], overlaps: [[2, 6]])
        let before = try #require(ScheduleScore(problem, start, objective: .stageSpan))
        let found = LocalSearch(problem: problem, objective: .stageSpan, timeLimit: 0.5, seed: 3).improve(start).schedule
        let after = try #require(ScheduleScore(problem, found, objective: .stageSpan))
        #expect(!before.isBetter(than: after))
    }

    /// Where pairs hide time, local search keeps a start's pairs as pairs, makes new ones and moves
    /// them: from an order without pairs it reaches a better one with pairs, and from the best
    /// greedy schedule with pairs it never returns one worse or without them.
    @Test func localSearchMakesKeepsAndMovesPairs() throws {
        let two = Self.twoChunks(f: 1, b: 1)
        let plain = Schedule(orders: [Self.pairedOrder])
        let plainValue = try #require(ScheduleScore(two, plain, objective: .stageSpan)).value
        let fromPlain = LocalSearch(problem: two, objective: .stageSpan, timeLimit: 5, seed: 1).improve(plain).schedule
        let found = try Evaluation(two, fromPlain, objective: .stageSpan)
        #expect(found.isValid, "\(found.issues)")
        #expect(fromPlain.hasOverlaps)
        #expect(found.metrics.stageSpan < plainValue - 1e-9, "\(found.metrics.stageSpan) vs \(plainValue)")

        let problem = ListSchedulerTests.hiding(try PipelinesTests.bidirectional(microbatches: 6, latency: 0.1), fraction: 0.5)
        let search = LocalSearch(problem: problem, objective: .stageSpan, timeLimit: 5, maxEvaluations: 4_000, seed: 1)
        let paired = try #require(GreedySearch.best(problem, objective: .stageSpan, threads: 1))
        #expect(paired.schedule.hasOverlaps)
        let fromPaired = search.improve(paired.schedule).schedule
        let kept = try Evaluation(problem, fromPaired, objective: .stageSpan)
        #expect(kept.isValid, "\(kept.issues)")
        #expect(fromPaired.hasOverlaps && kept.metrics.stageSpan <= paired.value + 1e-9)
    }
}
