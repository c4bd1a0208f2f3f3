import Foundation
import Testing
@testable import PipeSched

/// Messages that take time in proportion to their size on links that do not contend
/// (`Communication.contention` false, issue 14): each message arrives its boundary's transfer time
/// plus the latency after its pass ends, any number in flight at once. The list scheduler's own
/// times, the simulator, the validator, the bounds and the searches read the same delay; exhaustive
/// search referees.
@Suite struct FreeLinkTests {
    /// A tiny random problem (`TinyProblems`, with microbatch scales on every third seed,
    /// `MicrobatchScaleTests.scaled`) whose messages take 0.5 to 2 per size on free links, each
    /// stage boundary's message of its own size (0 to 1.5) on odd seeds.
    static func free(seed: UInt64) -> Problem {
        let base = seed % 3 == 0 ? MicrobatchScaleTests.scaled(seed: seed) : TinyProblems.random(seed: seed)
        var generator = SeededGenerator(seed: seed &+ 7919)
        let transfer = [0.5, 1, 2][Int.random(in: 0...2, using: &generator)]
        let sizes = base.stages.map { _ in [0, 0.5, 1, 1.5][Int.random(in: 0...3, using: &generator)] }
        return try! base.with {
            $0.communication = Communication(latency: base.communication.latency, transfer: transfer, topology: nil, contention: false)
            guard seed % 2 == 1 else { return }
            for stage in $0.stages.indices {
                for slice in $0.stages[stage].slices.indices { $0.stages[stage].slices[slice].messageSize = sizes[stage] }
            }
        }
    }

    /// `LinkContentionTests.pair` with links that do not contend.
    static func pair() throws -> Problem {
        try LinkContentionTests.pair().with { $0.communication.contention = false }
    }

    @Test func messagesOnFreeLinksArriveTheirTransferAndLatencyAfterTheirPassEnds() throws {
        let problem = try Self.pair()
        #expect(!problem.communication.linksContend && problem.communication.hasTransferTime)
        let simulation = try Simulator.simulate(problem, LinkContentionTests.pairSchedule)
        // F(0,m) end at 1, 2, 3; each message takes 2 + 0.5, all in flight at once (on contended
        // links they arrive at 3.5, 5.5 and 7.5, `LinkContentionTests`).
        let device1 = simulation.timeline[1].map { [$0.start, $0.end] }
        #expect(device1[0] == [3.5, 4.5] && device1[1] == [4.5, 5.5] && device1[2] == [5.5, 6.5], "\(device1)")
        #expect(Validator.validate(problem, simulation.timeline).isEmpty)
        var early = simulation.timeline
        early[1][1].start = 4.4
        early[1][1].end = 5.4
        #expect(Validator.validate(problem, early).contains { $0.rule == .dependency && $0.message.contains("F(s0,m1)") },
                "\(Validator.validate(problem, early))")
        // No message holds a link, so the trace draws no link rows.
        #expect(Messages(problem, simulation.timeline).byProducer.values.allSatisfy { $0.holdsLink == 0 })
    }

    @Test func eachBoundarysMessageTakesItsOwnTimeOnAFreeLink() throws {
        let problem = try LinkContentionTests.boundaries().with { $0.communication.contention = false }
        // One microbatch: the same chain as on contended links (nothing waits for a link), each
        // boundary's message its own size: the bound and the optimum, 19.
        let solution = try Methods.solve(problem, method: "greedy", options: SolveOptions(objective: .makespan))
        #expect(solution.evaluation.metrics.makespan == 19 && solution.evaluation.metrics.lowerBound == 19)
    }

    @Test func contentionRoundTripsAndIsCheckedByName() throws {
        let json = #"{"latency": 0.5, "transfer": 2, "contention": false}"#
        let communication = try JSONDecoder().decode(Communication.self, from: Data(json.utf8))
        #expect(!communication.contention && communication.lag(from: 0, to: 1, scale: 0.5) == 1.5)
        #expect(try JSONDecoder().decode(Communication.self, from: JSONEncoder().encode(communication)) == communication)
        let contended = try JSONDecoder().decode(Communication.self, from: Data(#"{"latency": 0.5, "transfer": 2}"#.utf8))
        #expect(contended.contention && contended.linksContend, "links contend unless the problem says otherwise")
        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(contended)) as! [String: Any]
        #expect(plain["contention"] == nil, "the default is not written")
        let problem = #"{"microbatches": 2, "devices": 2, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "communication": {"latency": 1, "contention": "no"}}"#
        #expect { try Problem.decode(json: Data(problem.utf8)) } throws: { ($0 as? ProblemError)?.field == "communication.contention" }
    }

    /// Without contention the list scheduler's clock knows every message's delay, so its own score
    /// keys are the simulator's (its cutoff and scoring apply), microbatch scales included.
    @Test func theListSchedulersKeysAreTheSimulatorsOnFreeLinks() throws {
        var checked = 0, sized = 0
        for seed in UInt64(0)..<24 {
            let problem = Self.free(seed: seed)
            let setup = ListScheduler.Setup(problem)
            for policy in PolicySample.distinctGrid(for: problem) {
                for objective in Objective.allCases {
                    let run = ListScheduler(problem: problem, policy: policy, setup: setup).scoredRun(objective: objective)
                    guard let key = run.key else { continue }
                    let score = try #require(ScheduleScore(problem, run.state.schedule(), objective: objective), "\(problem.name) \(policy)")
                    let context = "\(problem.name) \(policy) \(objective)"
                    #expect(ListSchedulerTests.same(key.value, score.value), "value \(key.value) vs \(score.value): \(context)")
                    #expect(ListSchedulerTests.same(key.gradientFlow, score.gradientFlow), "gradient flow: \(context)")
                    checked += 1
                    if problem.costsVaryByMicrobatch { sized += 1 }
                }
            }
        }
        #expect(checked > 500 && sized > 100, "\(checked) runs, \(sized) with microbatch scales")
    }

    @Test(arguments: RefereeSeeds.first(24))
    func boundsStayBelowTheExhaustiveOptimum(seed: UInt64) throws {
        try BoundReferee.check(Self.free(seed: seed))
    }

    @Test(arguments: RefereeSeeds.first(12))
    func autoEmitsValidSchedulesNoBetterThanTheOptimum(seed: UInt64) throws {
        try AutoReferee.check(Self.free(seed: seed))
    }
}
