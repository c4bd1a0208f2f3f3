import Foundation
import Testing
import PipeSched
@testable import PipeSchedProfile

/// Sequence slices in the cost model: causal growth, balanced lengths, retained keys and values, and
/// k = 1 being the unsliced problem.
@Suite struct SliceCostTests {
    func builder(slices: Int, split: SliceSplit = .balanced, recomputation: Recomputation = .selective, layers: Int = 8) throws -> ProblemBuilder {
        var options = ProfileOptions(devices: 4, microbatches: 8)
        options.slices = slices
        options.sliceSplit = split
        options.recomputation = recomputation
        options.partition = .uniform
        return try ProblemBuilder(model: try Fixtures.model(Fixtures.gpt(layers: layers)), hardware: try Fixtures.device(), options: options)
    }

    @Test func uniformSlicesGetDearerAlongTheSequence() throws {
        let problem = try builder(slices: 4, split: .uniform).build()
        #expect(try builder(slices: 4, split: .uniform).sliceLengths == [512, 512, 512, 512])
        let forwards = (0..<4).map { problem.duration(.forward, stage: 1, slice: $0) }
        #expect(zip(forwards, forwards.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func balancedSlicesAreLongerFirstAndCostAboutTheSame() throws {
        let b = try builder(slices: 4)
        let lengths = b.sliceLengths
        #expect(lengths.reduce(0, +) == 2048)
        #expect(zip(lengths, lengths.dropFirst()).allSatisfy { $0 > $1 })
        let totals = (0..<4).map { slice in (0..<b.unitCount).reduce(0.0) { $0 + b.cost(unit: $1, slice: slice, lengths: lengths).totalFLOPs } }
        let spread = (totals.max()! - totals.min()!) / totals.max()!
        #expect(spread < 0.01, "\(totals)")
    }

    @Test func slicesSumToTheWholeSequence() throws {
        let whole = try builder(slices: 1).build()
        let sliced = try builder(slices: 4, split: .uniform).build()
        for s in 0..<4 {
            let sum = (0..<4).reduce(0.0) { $0 + sliced.stages[s].costs(slice: $1).work }
            #expect(abs(sum - whole.stages[s].work(slices: 1)) < 1e-9 * sum)
        }
    }

    @Test func oneSliceIsTheUnslicedProblem() throws {
        let one = try builder(slices: 1).build()
        #expect(one.sequenceSlices == 1 && one.stages.allSatisfy(\.isUniform))
        let data = try JSONEncoder().encode(one)
        #expect(!String(decoding: data, as: UTF8.self).contains("sequenceSlices"))
    }

    @Test func fullRecomputationRetainsEarlierSlicesKeysAndValues() throws {
        // With full recomputation a slice stores its layer input (2·l·b·h bytes per layer) plus its keys
        // and values (2·2·l·b·h), held until its backward, which runs after every later slice's.
        let b = try builder(slices: 2, split: .uniform, recomputation: .full)
        let lengths = b.sliceLengths
        let layer = b.costs.layer(.dense, tokens: 1024, prefix: 0)
        #expect(layer.storedBytes == 2 * 1024 * 1024 + 4 * 1024 * 1024)
        let unsliced = LayerCost(model: b.model, recomputation: .full, sliced: false).layer(.dense, tokens: 1024, prefix: 0)
        #expect(unsliced.storedBytes == 2 * 1024 * 1024)
        // Seq1F1B on the sliced problem: the peak on the last stage holds both slices' keys and values.
        let problem = try b.build()
        let evaluation = try Evaluation(problem, try Seq1F1B().build(problem), objective: .stageSpan)
        #expect(evaluation.isValid)
        let last = problem.lastStage
        let heldAfterForwards = problem.staticMemory(device: last) + (0..<2).reduce(0.0) { $0 + problem.memoryDelta(.forward, stage: last, slice: $1) }
        #expect(evaluation.metrics.peakMemory[last] >= heldAfterForwards - 1e-12)
        #expect(lengths == [1024, 1024])
    }

    @Test func slicedProblemsScheduleWithSeq1F1BAndLessMemory() throws {
        let whole = try builder(slices: 1).build()
        let sliced = try builder(slices: 4).build()
        let a = try Evaluation(whole, try OneFOneB().build(whole), objective: .stageSpan)
        let b = try Evaluation(sliced, try Seq1F1B().build(sliced), objective: .stageSpan)
        #expect(a.isValid && b.isValid)
        #expect(b.metrics.peakMemory[0] < a.metrics.peakMemory[0])
    }
}
