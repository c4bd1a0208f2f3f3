import Foundation
import Testing
import PipeSched
@testable import PipeSchedProfile

/// Layer partitions: uniform counts, and the balanced dynamic programme never losing to them.
@Suite struct PartitionTests {
    @Test func uniformGivesTheRemainderToTheMiddleStages() {
        #expect(Partitioner.uniform(layers: 8, stages: 4) == [2, 2, 2, 2])
        #expect(Partitioner.uniform(layers: 10, stages: 4) == [2, 3, 3, 2])
        #expect(Partitioner.uniform(layers: 11, stages: 4) == [3, 3, 3, 2])
    }

    @Test func balancedIsNeverWorseThanUniformOnRandomCosts() throws {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<300 {
            let layers = Int.random(in: 2...40, using: &rng)
            let stages = Int.random(in: 1...layers, using: &rng)
            let costs = (0..<layers).map { _ in Double.random(in: 0.1...5, using: &rng) }
            let balanced = Partitioner.balanced(costs: costs, stages: stages)
            let uniform = Partitioner.uniform(layers: layers, stages: stages)
            #expect(balanced.reduce(0, +) == layers && balanced.allSatisfy { $0 >= 1 }, "trial \(trial)")
            #expect(Partitioner.heaviestStage(costs: costs, counts: balanced) <= Partitioner.heaviestStage(costs: costs, counts: uniform),
                    "trial \(trial): \(balanced) vs \(uniform)")
        }
    }

    @Test func balancedFindsTheKnownOptimum() {
        // 1 2 3 | 4 5 | 6: heaviest 9 ... the optimum over 3 stages of [1...6] is 9 ([1,2,3,4 | 5 | 6] = 10 is worse).
        let counts = Partitioner.balanced(costs: [1, 2, 3, 4, 5, 6], stages: 3)
        #expect(Partitioner.heaviestStage(costs: [1, 2, 3, 4, 5, 6], counts: counts) == 9)
    }

    @Test func balancedLightensTheEndsOfARealModel() throws {
        let model = try ConfigDecoding.decode(ModelConfig.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("Models/models/llama3-8b.json")))
        let hardware = try ConfigDecoding.decode(HardwareConfig.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("Models/hardware/h100-80gb.json")))
        var options = ProfileOptions(devices: 8, microbatches: 16)
        options.partition = .uniform
        let uniform = try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        options.partition = .balanced
        let balanced = try ProblemBuilder(model: model, hardware: hardware, options: options).build()
        func heaviest(_ p: Problem) -> Double { p.stages.map { $0.work(slices: 1) }.max()! }
        #expect(heaviest(balanced) <= heaviest(uniform))
        #expect(balanced.partition!.reduce(0, +) == 32)
        #expect(balanced.partition!.last! < balanced.partition![3], "the LM head makes the last stage take fewer layers")
    }

    @Test func fewerLayersThanStagesIsRefused() throws {
        let builder = try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(layers: 3)), hardware: try Fixtures.device(),
                                         options: ProfileOptions(devices: 4, microbatches: 4))
        #expect(throws: ProfileError.self) { try builder.build() }
    }
}
