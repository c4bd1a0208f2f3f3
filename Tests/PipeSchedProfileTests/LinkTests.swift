import Foundation
import Testing
import PipeSched
@testable import PipeSchedProfile

/// `profile --devices-per-node`: NVLink inside a node, the p2p link (InfiniBand) between nodes, one
/// boundary message over each.
@Suite struct LinkTests {
    static let hardware = """
    {"name": "test-gpu", "peakTFLOPS": 100, "efficiency": 0.5, "memoryGiB": 80,
     "p2pBandwidthGBps": 10, "p2pLatencyMicroseconds": 10, "intraNodeBandwidthGBps": 200, "intraNodeLatencyMicroseconds": 2}
    """

    @Test func nodesGetTheIntraAndInterNodeLinks() throws {
        var options = ProfileOptions(devices: 4, microbatches: 4)
        options.devicesPerNode = 2
        let problem = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(Self.hardware), options: options).build()
        let bytes = 2.0 * 1024 * 2048  // bf16 · h · s, one boundary tensor
        // A message's delay: the link's latency plus its size over the link's bandwidth; links do
        // not contend unless asked (`contendedLinksSplitTheTransferFromTheLatency`).
        #expect(!problem.communication.contention && !problem.communication.linksContend)
        #expect(abs(problem.communication.lag(from: 2, to: 3) - (0.002 + bytes / 200e9 * 1e3)) < 1e-12)
        let topology = try #require(problem.communication.topology)
        #expect(topology.devicesPerNode == 2 && abs(problem.communication.lag(from: 1, to: 2) - (0.01 + bytes / 10e9 * 1e3)) < 1e-12)
        #expect(problem.communication.latency(from: 1, to: 2) == topology.interNodeLatency && abs(topology.interNodeLatency - 0.01) < 1e-12)
        #expect(problem.communication.latency(from: 2, to: 3) == problem.communication.latency)
        options.devicesPerNode = nil
        let flat = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(Self.hardware), options: options).build()
        #expect(flat.communication.topology == nil, "without nodes every link is the p2p link")
        for (from, to) in [(0, 1), (2, 3)] {
            #expect(abs(flat.communication.lag(from: from, to: to) - problem.communication.lag(from: 1, to: 2)) < 1e-12)
        }
    }

    /// `--link-contention`: the same latency and transfer times; messages now hold their links.
    @Test func contendedLinksSplitTheTransferFromTheLatency() throws {
        var options = ProfileOptions(devices: 4, microbatches: 4)
        options.devicesPerNode = 2
        let free = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(Self.hardware), options: options).build()
        options.linkContention = true
        let contended = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt()), hardware: try Fixtures.device(Self.hardware), options: options).build()
        let bytes = 2.0 * 1024 * 2048
        #expect(contended.communication.linksContend && !free.communication.linksContend)
        #expect(abs(contended.communication.latency - 0.002) < 1e-12 && abs(contended.communication.transfer - bytes / 200e9 * 1e3) < 1e-12)
        #expect(abs(contended.communication.transfer(from: 1, to: 2) - bytes / 10e9 * 1e3) < 1e-12)
        for (from, to) in [(0, 1), (1, 2), (3, 2)] {
            #expect(abs(contended.communication.lag(from: from, to: to) - free.communication.lag(from: from, to: to)) < 1e-12)
        }
    }

    @Test func nodesNeedTheIntraNodeBandwidth() throws {
        var options = ProfileOptions(devices: 4, microbatches: 4)
        options.devicesPerNode = 2
        let model = try Fixtures.model(Fixtures.gpt()), hardware = try Fixtures.device()
        do throws(ProfileError) {
            _ = try ProblemBuilder(model: model, hardware: hardware, options: options)
            Issue.record("accepted --devices-per-node without the intra-node link")
        } catch {
            #expect(error.field == "intraNodeBandwidthGBps", "\(error)")
        }
    }

    @Test func theBundledH100sGiveATwoNodeProblemThatSolves() throws {
        let model = try ConfigDecoding.decode(ModelConfig.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("Models/models/llama3-8b.json")))
        let hardware = try ConfigDecoding.decode(HardwareConfig.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("Models/hardware/h100-80gb.json")))
        var options = ProfileOptions(devices: 16, microbatches: 16)
        options.devicesPerNode = 8
        let problem = try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        #expect(problem.communication.latency(from: 7, to: 8) > problem.communication.latency(from: 6, to: 7))
        let solution = try Methods.solve(problem, method: "greedy")
        #expect(solution.evaluation.isValid)
        #expect(solution.evaluation.metrics.lowerBound <= solution.evaluation.metrics.stageSpan + 1e-9)
    }
}
