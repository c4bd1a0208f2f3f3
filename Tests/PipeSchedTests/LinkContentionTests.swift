import Foundation
import Testing
@testable import PipeSched

/// Messages that occupy links (`Communication.transfer`, issue 14): one message at a time per
/// direction of a link, in the sender's order, in the simulator and the timed validator alike;
/// the bounds and searches refereed by exhaustive search, which simulates them.
@Suite struct LinkContentionTests {
    /// Two devices; forwards of 1, messages that hold the link for 2 and arrive 0.5 later.
    static func pair(microbatches: Int = 3) throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        return try Problem(name: "links", microbatches: microbatches, devices: 2, stages: [stage, stage],
                           communication: Communication(latency: 0.5, transfer: 2, topology: nil))
    }

    /// A tiny random problem (`TinyProblems`) whose messages hold their links for 0.5 to 2; on odd
    /// seeds each stage boundary carries a message of its own size (`PassCosts.messageSize`, 0 to 1.5).
    static func contended(seed: UInt64) -> Problem {
        let base = TinyProblems.random(seed: seed)
        var generator = SeededGenerator(seed: seed &+ 4099)
        let transfer = [0.5, 1, 2][Int.random(in: 0...2, using: &generator)]
        let sizes = base.stages.map { _ in [0, 0.5, 1, 1.5][Int.random(in: 0...3, using: &generator)] }
        return try! base.with {
            $0.communication = Communication(latency: base.communication.latency, transfer: transfer, topology: nil)
            guard seed % 2 == 1 else { return }
            for stage in $0.stages.indices {
                for slice in $0.stages[stage].slices.indices { $0.stages[stage].slices[slice].messageSize = sizes[stage] }
            }
        }
    }

    /// Three stages whose outputs are messages of 0.5, 2 and 1 (the last sends none), on links that a
    /// message of size 1 holds for 2.
    static func boundaries() throws -> Problem {
        let stages = [0.5, 2, 1].map { StageProfile(slices: [PassCosts(forward: 1, backwardInput: 1, backwardWeight: 1, messageSize: $0)]) }
        return try Problem(name: "boundaries", microbatches: 1, devices: 3, stages: stages,
                           communication: Communication(latency: 0.5, transfer: 2, topology: nil))
    }

    @Test func eachStageBoundaryCarriesItsOwnMessageSize() throws {
        let problem = try Self.boundaries()
        let orders: [[Op]] = (0..<3).map { [.forward($0, 0), .backwardInput($0, 0), .backwardWeight($0, 0)] }
        let simulation = try Simulator.simulate(problem, Schedule(orders: orders))
        let messages = Messages(problem, simulation.timeline)
        // A forward sends its stage's output; a B sends the gradient of the previous stage's output.
        #expect(messages.byProducer[.forward(0, 0)]?.holdsLink == 1 && messages.byProducer[.forward(1, 0)]?.holdsLink == 4)
        #expect(messages.byProducer[.backwardInput(2, 0)]?.holdsLink == 4 && messages.byProducer[.backwardInput(1, 0)]?.holdsLink == 1)
        // F0 0–1, F1 2.5–3.5, F2 8–9, B2 9–10, B1 14.5–15.5, B0 17–18, W0 18–19.
        #expect(simulation.timeline[0].map(\.end) == [1, 18, 19], "\(simulation.timeline)")
        #expect(Validator.validate(problem, simulation.timeline).isEmpty)
        // One microbatch: its chain, with each boundary's own message, is the bound and the optimum.
        let solution = try Methods.solve(problem, method: "greedy", options: SolveOptions(objective: .makespan))
        #expect(solution.evaluation.metrics.makespan == 19 && solution.evaluation.metrics.lowerBound == 19)
        #expect(problem.maxLag == 4.5 && Set(problem.messageLags) == [1.5, 4.5, 2.5])
    }

    @Test func messageSizesRoundTripAndAreCheckedByName() throws {
        let problem = try Self.boundaries()
        let decoded = try Problem.decode(json: try JSONEncoder().encode(problem))
        #expect(decoded.stages.map(\.slices[0].messageSize) == [0.5, 2, 1])
        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(problem)) as! [String: Any]
        #expect((plain["stages"] as! [[String: Any]])[2]["messageSize"] == nil, "a size of 1 is the default and not written")
        let stage = #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#
        for (bad, field) in [(#"-1"#, "stages[1].messageSize"), (#"[1, -0.5]"#, "stages[1].messageSize[1]"), (#"[1, 1, 1]"#, "stages[1].messageSize")] {
            let json = #"{"microbatches": 2, "devices": 2, "sequenceSlices": 2, "stages": ["# + stage + ", " + stage.dropLast() + #", "messageSize": "# + bad + "}]}"
            #expect { try Problem.decode(json: Data(json.utf8)) } throws: { ($0 as? ProblemError)?.field == field }
        }
    }

    /// `pair`'s three forwards, then its three fused backwards, on each device.
    static let pairSchedule = Schedule(orders: (0..<2).map { stage in
        (0..<3).map { Op.forward(stage, $0) } + (0..<3).map { Op.backward(stage, $0) }
    })

    @Test func messagesWaitForTheirLinkInTheSendersOrder() throws {
        let problem = try Self.pair()
        let simulation = try Simulator.simulate(problem, Self.pairSchedule)
        // F(0,m) end at 1, 2, 3; their messages hold the link 1–3, 3–5, 5–7 and arrive at 3.5, 5.5,
        // 7.5 (on a free link they would arrive at 3.5, 4.5 and 5.5).
        let device1 = simulation.timeline[1].map { [$0.start, $0.end] }
        #expect(device1[0] == [3.5, 4.5] && device1[1] == [5.5, 6.5] && device1[2] == [7.5, 8.5], "\(device1)")
        #expect(Validator.validate(problem, simulation.timeline).isEmpty)
        // F(1,1) at 4.5, when its message would arrive on a free link, is refused: it arrives at 5.5.
        var early = simulation.timeline
        early[1][1].start = 4.5
        early[1][1].end = 5.5
        #expect(Validator.validate(problem, early).contains { $0.rule == .dependency && $0.message.contains("F(s0,m1)") },
                "\(Validator.validate(problem, early))")
        let messages = Messages(problem, simulation.timeline)
        #expect(messages.byProducer[.forward(0, 1)] == Messages.Message(from: 0, to: 1, leaves: 3, holdsLink: 2, arrives: 5.5))
    }

    @Test func communicationRoundTripsAndIsCheckedByName() throws {
        let json = #"{"latency": 0.5, "transfer": 2, "devicesPerNode": 2, "interNodeLatency": 3, "interNodeTransfer": 8}"#
        let communication = try JSONDecoder().decode(Communication.self, from: Data(json.utf8))
        #expect(communication.transfer(from: 0, to: 1) == 2 && communication.transfer(from: 1, to: 2, scale: 0.5) == 4)
        #expect(communication.lag(from: 1, to: 2) == 11 && communication.lag(from: 1, to: 1) == 0)
        #expect(try JSONDecoder().decode(Communication.self, from: JSONEncoder().encode(communication)) == communication)
        #expect(try JSONEncoder().encode(Communication(latency: 0.5)) == Data("0.5".utf8))
        for (bad, field) in [(#"{"latency": 1, "transfer": -1}"#, "communication.transfer"),
                             (#"{"latency": 1, "interNodeTransfer": 1}"#, "communication")] {
            let problem = #"{"microbatches": 2, "devices": 2, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1}], "communication": "# + bad + "}"
            #expect { try Problem.decode(json: Data(problem.utf8)) } throws: { ($0 as? ProblemError)?.field == field }
        }
    }

    @Test(arguments: RefereeSeeds.first(24))
    func boundsStayBelowTheExhaustiveOptimum(seed: UInt64) throws {
        let problem = Self.contended(seed: seed)
        try BoundReferee.check(problem)
    }

    @Test(arguments: RefereeSeeds.first(12))
    func autoEmitsValidSchedulesNoBetterThanTheOptimum(seed: UInt64) throws {
        try AutoReferee.check(Self.contended(seed: seed))
    }
}
