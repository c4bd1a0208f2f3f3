import Foundation
import Testing
@testable import PipeSched

/// Devices grouped in nodes: a slower link between nodes, schema v1's number still read, and every
/// bound still below the optimum that exhaustive search finds (the referee).
@Suite struct TopologyTests {
    /// A tiny problem with its devices one per node (`devicesPerNode` 1) or all in one node, and a
    /// slower or faster link between nodes than inside.
    static func tiny(seed: UInt64) throws -> Problem {
        let base = TinyProblems.random(seed: seed)
        var rng = SeededGenerator(seed: seed &+ 101)
        let perNode = [1, 1, 2][Int.random(in: 0...2, using: &rng)]
        let inter = [0, 0.5, 1, 2.5][Int.random(in: 0...3, using: &rng)]
        return try base.with { $0.communication = Communication(latency: base.communication.latency,
                                                                topology: Topology(devicesPerNode: perNode, interNodeLatency: inter)) }
    }

    @Test(arguments: RefereeSeeds.first(32))
    func boundsStayBelowTheOptimumWithNodes(seed: UInt64) throws {
        let problem = try Self.tiny(seed: seed)
        for objective in Objective.allCases {
            let reference = try #require(ExhaustiveSearch.solve(problem, objective: objective), "\(problem.name) is not tiny")
            let bound = LowerBound.value(problem, objective: objective)
            #expect(bound <= reference.optimum + 1e-9, "\(objective) bound \(bound) > optimum \(reference.optimum) on \(problem.name) \(problem.communication)")
        }
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan))
        for method in ["greedy", "auto"] {
            let solution = try Methods.solve(problem, method: method, options: SolveOptions(timeLimit: 0.2))
            #expect(solution.evaluation.metrics.stageSpan >= reference.optimum - 1e-9, "\(method) beats exhaustive search on \(problem.name)")
        }
    }

    @Test func theLinkBetweenNodesIsTheInterNodeLatency() {
        let communication = Communication(latency: 0.1, topology: Topology(devicesPerNode: 8, interNodeLatency: 2))
        #expect(communication.latency(from: 3, to: 3) == 0)
        #expect(communication.latency(from: 6, to: 7) == 0.1)
        #expect(communication.latency(from: 7, to: 8) == 2 && communication.latency(from: 8, to: 7) == 2)
        #expect(communication.maxLatency == 2)
        #expect(Communication(latency: 0.3).latency(from: 0, to: 15) == 0.3)
    }

    @Test func theValidatorWantsTheInterNodeLatency() throws {
        let stages = Array(repeating: StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1), count: 2)
        let flat = try Problem(microbatches: 1, devices: 2, stages: stages, communication: Communication(latency: 0.5))
        let nodes = try flat.with { $0.communication = Communication(latency: 0.5, topology: Topology(devicesPerNode: 1, interNodeLatency: 3)) }
        let schedule = try OneFOneB().build(nodes)
        let timeline = try Simulator.simulate(nodes, schedule).timeline
        #expect(timeline[1][0].start == 1 + 3, "F on device 1 starts once the activation crossed the inter-node link")
        #expect(Validator.validate(nodes, timeline).isEmpty)
        let tooEarly = try Simulator.simulate(flat, schedule).timeline
        #expect(!Validator.validate(nodes, tooEarly).isEmpty, "times that only allow the intra-node latency are refused")
    }

    @Test func schemaV1NumbersAndNodeObjectsBothDecodeAndRoundTrip() throws {
        let stage = #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#
        let v1 = try Problem.decode(json: Data(#"{"microbatches": 2, "devices": 2, "communication": 0.25, "stages": [\#(stage), \#(stage)]}"#.utf8))
        #expect(v1.communication == Communication(latency: 0.25))
        #expect(String(decoding: try JSONEncoder().encode(v1.communication), as: UTF8.self) == "0.25")
        let text = #"{"microbatches": 2, "devices": 2, "communication": {"latency": 0.25, "devicesPerNode": 1, "interNodeLatency": 4}, "stages": [\#(stage), \#(stage)]}"#
        let nodes = try Problem.decode(json: Data(text.utf8))
        #expect(nodes.communication.topology == Topology(devicesPerNode: 1, interNodeLatency: 4))
        #expect(try Problem.decode(json: try JSONEncoder().encode(nodes)) == nodes)
    }

    @Test(arguments: [
        (#"{"latency": 0.25, "devicesPerNode": 0, "interNodeLatency": 4}"#, "communication.devicesPerNode"),
        (#"{"latency": 0.25, "devicesPerNode": 1, "interNodeLatency": -1}"#, "communication.interNodeLatency"),
        (#"{"latency": -0.25, "devicesPerNode": 1, "interNodeLatency": 1}"#, "communication.latency"),
        (#"{"latency": 0.25, "devicesPerNode": 1, "interNodeLatency": 1, "bandwidth": 3}"#, "bandwidth"),
        (#"{"latency": 0.25, "devicesPerNode": 2}"#, "devicesPerNode"),
    ])
    func badNodeFieldsAreRefusedNamingTheField(communication: String, field: String) {
        let stage = #"{"forward": 1, "backwardInput": 1, "backwardWeight": 1}"#
        let text = #"{"microbatches": 2, "devices": 2, "communication": \#(communication), "stages": [\#(stage), \#(stage)]}"#
        do {
            _ = try Problem.decode(json: Data(text.utf8))
            Issue.record("accepted \(communication)")
        } catch {
            #expect("\(error)".contains(field), "\(error)")
        }
    }
}
