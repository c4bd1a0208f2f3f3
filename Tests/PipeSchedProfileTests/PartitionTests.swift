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

/// `profile --partition search` on the cost model: uniform and balanced are candidates, so the
/// winner never loses to them, and its problem records the partition a runtime needs.
@Suite struct ScheduleAwarePartitionTests {
    func builder(layers: Int, devices: Int, microbatches: Int, placement: Placement = .sequential) throws -> ProblemBuilder {
        var options = ProfileOptions(devices: devices, microbatches: microbatches)
        options.placement = placement
        return try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(layers: layers)), hardware: try Fixtures.device(), options: options)
    }

    @Test(arguments: [(10, 4, Placement.sequential), (12, 3, .sequential), (12, 2, .interleaved), (12, 2, .v)])
    func theSearchNeverLosesToUniformOrBalanced(layers: Int, devices: Int, placement: Placement) throws {
        let builder = try builder(layers: layers, devices: devices, microbatches: 6, placement: placement)
        let report = try ScheduleAwarePartition(exploreMethod: "greedy", finalMethod: "greedy", maxEvaluations: 12).run(builder)
        #expect(report.candidates.prefix(2).map(\.origin) == ["uniform", "balanced"])
        #expect(report.candidates[0].partition == Partitioner.uniform(layers: layers, stages: builder.options.stageCount))
        let best = try #require(report.best.score)
        for seed in report.candidates.prefix(2) {
            let score = try #require(seed.score)
            #expect(!score.isBetter(than: best), "\(seed.origin) \(seed.partition) beats the winner \(report.best.partition)")
        }
        #expect(report.best.problem.partition == report.best.partition)
        #expect(report.best.partition.reduce(0, +) == layers)
    }

    @Test func aPartitionThatIsNotOneIsRefusedByTheBuilder() throws {
        let builder = try builder(layers: 8, devices: 4, microbatches: 4)
        #expect(throws: ProfileError.self) { try builder.build(partition: [4, 4, 0, 0]) }
        #expect(throws: ProfileError.self) { try builder.build(partition: [2, 2, 2]) }
        #expect(try builder.build(partition: [1, 3, 3, 1]).partition == [1, 3, 3, 1])
    }
}
