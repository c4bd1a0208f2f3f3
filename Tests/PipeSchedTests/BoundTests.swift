import Testing
@testable import PipeSched

/// The lower bounds on problems whose values are known by hand (exhaustive search checks them on
/// random ones: `ExhaustiveRefereeTests`).
@Suite struct BoundTests {
    /// Heterogeneous sequential stages with a heavy last stage (the LM head: F = B = 3, W = 0.5, the
    /// others 1), latency 0.5, memory F +2, B −1, W −1.
    func headHeavy(devices p: Int, microbatches m: Int, cap: Double? = nil) -> Problem {
        let stages = (0..<p).map { s in
            let heavy = s == p - 1 ? 3.0 : 1.0
            return StageProfile(forward: heavy, backwardInput: heavy, backwardWeight: s == p - 1 ? 0.5 : 1, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        }
        return try! Problem(name: "head-heavy", microbatches: m, devices: p, stages: stages, communication: Communication(latency: 0.5),
                            memoryLimit: cap.map { Array(repeating: $0, count: p) })
    }

    @Test func memoryBoundIsZeroWithoutCaps() {
        let problem = headHeavy(devices: 3, microbatches: 4)
        #expect(LowerBound.parts(problem, objective: .stageSpan).memory == 0)
    }

    @Test func roundTripOfTheLastStageIsItsForwardAndOfTheFirstTheWholeChain() {
        let problem = headHeavy(devices: 3, microbatches: 2, cap: 8)
        let chains = MicrobatchChains(problem)
        #expect(MemoryBound.roundTrip(chains, stage: 2, slice: 0) == 3)
        // F 1 + 1 + 3, B 3 + 1 back to stage 0, four link crossings of 0.5.
        #expect(MemoryBound.roundTrip(chains, stage: 0, slice: 0) == 5 + 4 + 2)
    }

    /// Device 0 must wait for the last stage's 2m passes between its own forward and backward:
    /// F0 + lat + F1 + lat + m·(F2 + B2) + lat + B1 + lat + B0 + W0.
    @Test func bottleneckBoundSeesTheHeavyLastStage() {
        let m = 8
        let problem = headHeavy(devices: 3, microbatches: m)
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        let flowShop = 1 + 0.5 + 1 + 0.5 + Double(m) * (3 + 3) + 0.5 + 1 + 0.5 + 1 + 1
        #expect(parts.bottleneck >= flowShop - 1e-9)
        #expect(parts.bottleneck > parts.startup)
        #expect(LowerBound.value(problem, objective: .stageSpan) == parts.bottleneck)
    }

    /// With the heavy last stage and an ample cap, the greedy's best reaches the bottleneck bound:
    /// the schedule is proven optimal (gap 0), where the start-up bound alone left a gap.
    @Test func aHeadHeavyOptimumIsProvenWithGapZero() throws {
        let problem = headHeavy(devices: 4, microbatches: 8)
        let solution = try Methods.solve(problem, method: "auto", options: SolveOptions(timeLimit: 1))
        #expect(solution.evaluation.metrics.gap == 0, "\(solution.evaluation.metrics)")
        #expect(LowerBound.parts(problem, objective: .stageSpan).startup < solution.evaluation.metrics.stageSpan - 1)
    }

    @Test func makespanBoundsIncludeOneMicrobatchsChain() {
        let problem = headHeavy(devices: 3, microbatches: 1)
        let chain = MicrobatchChains(problem).criticalPathLength
        // F 1+1+3, B 3+1+1, W of stage 0: 1, four crossings of 0.5.
        #expect(chain == 5 + 5 + 1 + 2)
        #expect(LowerBound.value(problem, objective: .makespan) >= chain)
    }
}
