import Testing
@testable import PipeSched

/// `WeightDeferralBound` against exhaustive search on capped problems whose cells keep memory until
/// their `W` (so the cap limits how many `W` passes a device can hold back), and by hand.
@Suite struct WeightDeferralBoundTests {
    /// Tiny problems of a few shapes, every cell holding memory after its input-gradient pass, caps
    /// from the one-microbatch minimum up, some with microbatch scales.
    static let problems: [Problem] = (0..<72).map { (seed: UInt64) in
        var rng = SeededGenerator(seed: seed &* 104_729 &+ 11)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let shapes: [(devices: Int, microbatches: Int, placement: Placement, chunks: Int)] = [
            (2, 3, .sequential, 1), (3, 2, .sequential, 1), (2, 2, .sequential, 1), (1, 2, .v, 2), (2, 1, .v, 2), (1, 4, .sequential, 1),
        ]
        let shape = shapes[Int(seed % UInt64(shapes.count))]
        let stages = (0..<(shape.devices * shape.chunks)).map { _ -> StageProfile in
            let forward = Double(draw(2...4)) * 0.5
            let backward = -Double(draw(0...2)) * 0.25
            return StageProfile(forward: Double(draw(1...3)), backwardInput: Double(draw(1...3)), backwardWeight: Double(draw(1...3)),
                                memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: -(forward + backward)),
                                staticMemory: Double(draw(0...1)))
        }
        let unlimited = try! Problem(name: "deferral-\(seed)", microbatches: shape.microbatches, devices: shape.devices,
                                     placement: shape.placement, stages: stages,
                                     communication: Communication(latency: [0, 0.5][draw(0...1)]))
        return TestProblems.capped(unlimited, scaled: seed % 3 == 2, using: &rng)
    }

    @Test(arguments: problems.indices)
    func neverAboveTheOptimum(index: Int) throws {
        try BoundReferee.check(Self.problems[index], maximumSchedules: 200_000, splitOnly: true)
    }

    @Test func theCapDecidesHowManyWPassesFillTheCoolDown() throws {
        // Unit passes; a cell keeps its activation until its W. Device 1 holds two cells, so at most
        // two of its four W passes can wait until after its last B: device 1 runs 4 F, 4 B and at
        // least 2 W from F(1, 0) (at 1, after F(0, 0)) to its last B, whose gradient then needs B and
        // W on device 0: span(0) ≥ 1 + 10 + 2 = 13. Device work is 12, the flow-shop bound 1 + 8 + 2.
        let unit = TestProblems.unit(devices: 2, microbatches: 4, memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        let problem = try unit.withMemoryLimit([10, 2])
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        #expect(parts.weightDeferral == 13, "\(parts)")
        #expect(parts.weightDeferral > max(parts.startup, parts.memory, parts.bottleneck, parts.inFlight), "\(parts)")
        // Fusing cannot lower a peak here (B frees nothing), so split orders in microbatch order hold an optimum.
        #expect(!problem.fusedBackwardCanLowerPeak)
        let options = ExhaustiveSearch.Options(fusedBackward: false, microbatchOrder: true, maximumSchedules: 200_000)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan, options: options))
        #expect(reference.optimum == 13)
        // Without the cap every W may wait: the bound adds nothing.
        #expect(LowerBound.parts(try problem.withMemoryLimit(nil), objective: .stageSpan).weightDeferral == 0)
    }

    @Test func theLastForwardNeedsRoomBesideTheDeferredCells() throws {
        // A forward allocates 2 and its B frees 1: device 1 (room 3) could hold three cells after
        // their B, but when its last forward starts it holds at most one other cell (2 + 1 ≤ 3), so
        // at most two W passes follow its last B: span(0) ≥ 1 + (12 − 2) + 2 = 13, where room / held
        // alone gives 12.
        let unit = TestProblems.unit(devices: 2, microbatches: 4, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        let problem = try unit.withMemoryLimit([10, 3])
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        #expect(parts.weightDeferral == 13, "\(parts)")
        #expect(!problem.fusedBackwardCanLowerPeak)
        let options = ExhaustiveSearch.Options(fusedBackward: false, microbatchOrder: true, maximumSchedules: 200_000)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan, options: options))
        #expect(reference.optimum == 13)
    }

    /// The referee's problems include cases where this bound beats every other part but the
    /// in-flight chains and the referee finishes. Those chains count each `W`'s time before the
    /// forward its room admits, which on these tiny problems often takes them as far as this bound.
    @Test func theRefereeProblemsExerciseTheBound() throws {
        let options = ExhaustiveSearch.Options(fusedBackward: false, maximumSchedules: 200_000)
        var refereed = 0
        for problem in Self.problems {
            for objective in Objective.allCases {
                let parts = LowerBound.parts(problem, objective: objective)
                guard parts.weightDeferral > max(parts.startup, parts.memory, parts.bottleneck) + 1e-9,
                      let reference = ExhaustiveSearch.solve(problem, objective: objective, options: options) else { continue }
                #expect(parts.weightDeferral <= reference.optimum + 1e-9, "\(objective) on \(problem.name)")
                refereed += 1
            }
        }
        #expect(refereed >= 6, "\(refereed)")
    }
}
