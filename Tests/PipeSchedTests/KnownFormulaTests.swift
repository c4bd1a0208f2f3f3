import Testing
@testable import PipeSched

/// Unit costs F = B = W = 1, no communication: the textbook bubbles and peaks of the classic
/// schedules (Zero Bubble PP, ICLR 2024, Table 1; memory counted as activations held from F to B).
@Suite struct KnownFormulaTests {
    static let sizes: [(p: Int, m: Int)] = [(2, 4), (4, 8), (4, 12), (6, 12), (8, 16), (8, 24)]

    func evaluate(_ family: any ScheduleFamily, p: Int, m: Int) throws -> Metrics {
        let problem = TestProblems.unit(devices: p, microbatches: m)
        return try Evaluation(problem, try family.build(problem), objective: .stageSpan).metrics
    }

    @Test(arguments: sizes)
    func oneFOneBBubbleIsPMinusOneTimesFBW(p: Int, m: Int) throws {
        let metrics = try evaluate(OneFOneB(), p: p, m: m)
        #expect(metrics.stageSpan == Double(3 * m + 3 * (p - 1)))
        #expect(metrics.peakMemory.max() == Double(p))
    }

    @Test(arguments: sizes)
    func zbH1BubbleIsPMinusOneTimesFPlusBMinusW(p: Int, m: Int) throws {
        let metrics = try evaluate(ZBH1(), p: p, m: m)
        #expect(metrics.stageSpan == Double(3 * m + (p - 1) * (1 + 1 - 1)))
        #expect(metrics.peakMemory.max() == Double(p))
    }

    @Test(arguments: sizes.filter { $0.m >= 2 * $0.p - 1 })
    func zbH2HasZeroBubbleWithTwoPMinusOneMicrobatches(p: Int, m: Int) throws {
        let metrics = try evaluate(ZBH2(), p: p, m: m)
        #expect(metrics.stageSpan == Double(3 * m))
        #expect(metrics.bubbleRate == 0)
        #expect(metrics.peakMemory.max() == Double(2 * p - 1))
    }

    @Test(arguments: sizes)
    func gpipeHoldsEveryMicrobatch(p: Int, m: Int) throws {
        let metrics = try evaluate(GPipe(), p: p, m: m)
        #expect(metrics.stageSpan == Double(3 * m + 3 * (p - 1)))
        #expect(metrics.peakMemory.max() == Double(m))
    }

    @Test func interleavedShrinksTheBubbleByTheChunkCount() throws {
        // Megatron-LM (SC 2021): with v chunks per device the bubble is (p−1)(F+B+W)/v of a full stage.
        let p = 4, m = 8, v = 2
        let stage = StageProfile(forward: 0.5, backwardInput: 0.5, backwardWeight: 0.5)
        let problem = try Problem(microbatches: m, devices: p, placement: .interleaved, stages: Array(repeating: stage, count: p * v))
        let metrics = try Evaluation(problem, try Interleaved1F1B().build(problem), objective: .stageSpan).metrics
        #expect(metrics.stageSpan == 3.0 * Double(m) + 3.0 * Double(p - 1) / Double(v))
    }
}
