import Foundation
import Testing
import PipeSched
@testable import PipeSchedProfile

/// Each stage boundary's message from the cost model (`ProblemBuilder.boundaryBytes`,
/// `PassCosts.messageSize`): the tensor the next stage receives, by its shape. The test model's
/// language boundary is 2048 tokens × 1024 × 2 bytes = 4 MiB; on the fixture's 10 GB/s link it holds
/// the link for 0.4194304 ms.
@Suite struct BoundaryMessageTests {
    func builder(units: String = "", slices: Int = 1, layers: Int = 8, contended: Bool = true) throws -> ProblemBuilder {
        var options = ProfileOptions(devices: 4, microbatches: 4)
        options.partition = .uniform
        options.slices = slices
        options.sliceSplit = .balanced
        options.linkContention = contended
        return try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(layers: layers, extra: units)), hardware: try Fixtures.device(), options: options)
    }

    func problem(units: String = "", slices: Int = 1, layers: Int = 8, contended: Bool = true) throws -> Problem {
        try builder(units: units, slices: slices, layers: layers, contended: contended).build()
    }

    @Test func aLanguageModelsBoundariesAreAllTheSameMessage() throws {
        let problem = try problem()
        #expect(problem.stages.allSatisfy { $0.slices.allSatisfy { $0.messageSize == 1 } })
        #expect(abs(problem.communication.transfer - 0.4194304) < 1e-12)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(problem)) as! [String: Any]
        #expect((json["stages"] as! [[String: Any]]).allSatisfy { $0["messageSize"] == nil })
    }

    @Test func aVisionBoundaryCarriesTheImageTokensOnly() throws {
        // 2 vision + 6 language layers, 2 per stage: stage 0 ends in the encoder, whose output is
        // 256 tokens × 512 = 1/16 of the language boundary.
        let problem = try problem(units: #", "vision": {"layers": 2, "hiddenSize": 512, "attentionHeads": 8, "ffnSize": 2048, "tokens": 256}"#, layers: 6)
        #expect(problem.stages.map(\.slices[0].messageSize) == [0.0625, 1, 1, 1])
        // F(0, m)'s message holds the link for a sixteenth of the language one; B(1, m) sends back its gradient.
        let solution = try Methods.solve(problem, method: "1f1b")
        let messages = Messages(problem, solution.evaluation.timeline)
        let gradient = try #require(messages.byProducer.first { $0.key.stage == 1 && $0.key.microbatch == 0 && $0.key.kind.producesInputGradient })
        #expect(abs(try #require(messages.byProducer[.forward(0, 0)]).holdsLink - 0.4194304 / 16) < 1e-12)
        #expect(abs(gradient.value.holdsLink - 0.4194304 / 16) < 1e-12)
        #expect(abs(try #require(messages.byProducer[.forward(1, 0)]).holdsLink - 0.4194304) < 1e-12)
    }

    @Test func aSlicesMessageIsItsTokens() throws {
        let sliced = try problem(slices: 2)
        let lengths = try builder(slices: 2).sliceLengths
        #expect(lengths.count == 2 && lengths[0] > lengths[1], "balanced: the first slice is longer")
        for stage in sliced.stages { #expect(stage.slices.map(\.messageSize) == [1, Double(lengths[1]) / Double(lengths[0])]) }
        // The longest slice's message is the link time: its share of the whole sequence's.
        #expect(abs(sliced.communication.transfer - 0.4194304 * Double(lengths[0]) / 2048) < 1e-12)
    }

    /// Without contention each slice's message still takes its own transfer time (it was the
    /// longest slice's for every message, folded into the latency, before).
    @Test func withoutContentionEachMessageTakesItsOwnTransferTime() throws {
        let problem = try problem(slices: 2, contended: false)
        let lengths = try builder(slices: 2).sliceLengths
        #expect(!problem.communication.linksContend && problem.communication.latency == 0.01)
        for slice in 0..<2 {
            let lag = problem.lag(of: .forward(0, 0, slice: slice), to: problem.stageDevice[1])
            #expect(abs(lag - (0.01 + 0.4194304 * Double(lengths[slice]) / 2048)) < 1e-12, "slice \(slice): \(lag)")
        }
    }
}
