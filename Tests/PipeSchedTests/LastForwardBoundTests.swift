import Testing
@testable import PipeSched

/// `LastForwardBound` against exhaustive search on capped one-stage-per-device problems (where the cap
/// holds fewer microbatches than run), and on the uniform problems of `make bench-bounds`.
@Suite struct LastForwardBoundTests {
    /// Tiny sequential problems, caps from the one-microbatch minimum up, cells that free part of
    /// their activations at `B` and the rest at `W` (or everything at `B`), some with microbatch scales
    /// (only on two microbatches: scales make microbatches distinct, and the referee's search larger).
    static let problems: [Problem] = (0..<72).map { (seed: UInt64) in
        var rng = SeededGenerator(seed: seed &* 7_919 &+ 3)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let shapes: [(devices: Int, microbatches: Int)] = [(2, 3), (3, 2), (2, 2), (1, 4), (1, 3), (1, 2)]
        let shape = shapes[Int(seed % UInt64(shapes.count))]
        let stages = (0..<shape.devices).map { _ -> StageProfile in
            let forward = Double(draw(2...4)) * 0.5
            let backward = -forward * Double(draw(0...4)) * 0.25
            return StageProfile(forward: Double(draw(1...3)), backwardInput: Double(draw(1...3)), backwardWeight: Double(draw(1...3)),
                                memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: -(forward + backward)),
                                staticMemory: Double(draw(0...1)))
        }
        let unlimited = try! Problem(name: "last-forward-\(seed)", microbatches: shape.microbatches, devices: shape.devices, stages: stages,
                                     communication: Communication(latency: [0, 0.5][draw(0...1)]))
        return TestProblems.capped(unlimited, scaled: seed % 3 == 2, using: &rng)
    }

    @Test(arguments: problems.indices)
    func neverAboveTheOptimum(index: Int) throws {
        let problem = Self.problems[index]
        try BoundReferee.check(problem, maximumSchedules: 50_000, splitOnly: !problem.fusedBackwardCanLowerPeak)
    }

    /// The referee's problems include cases where this bound beats every other part but the
    /// in-flight chains and the referee finishes. Those chains count each backward's time before the
    /// forward its room admits, the wait this bound puts before the last forward, which on these tiny
    /// problems takes them as far as this bound.
    @Test func theRefereeProblemsExerciseTheBound() throws {
        var refereed = 0
        for problem in Self.problems {
            let options = ExhaustiveSearch.Options(fusedBackward: problem.fusedBackwardCanLowerPeak, maximumSchedules: 50_000)
            for objective in Objective.allCases {
                let parts = LowerBound.parts(problem, objective: objective)
                let others = parts.named.filter { $0.name != "last forward" && $0.name != "in-flight" }.map(\.value).max()!
                guard parts.lastForward > others + 1e-9,
                      let reference = ExhaustiveSearch.solve(problem, objective: objective, options: options) else { continue }
                #expect(parts.lastForward <= reference.optimum + 1e-9, "\(objective) on \(problem.name)")
                refereed += 1
            }
        }
        #expect(refereed >= 12, "\(refereed)")
    }

    /// `make bench-bounds`'s uniform problems capped at p microbatches (F = 3, B = 4, W = 2, latency
    /// 1; memory F +2, B −1, W −1, cap 2p): device 0 runs p forwards, waits a round trip `R` for its
    /// first `B`, then every forward beyond the p − 1 it can hold beside the last waits for a `B` and a
    /// `W`; its last forward's round trip ends the span. The bound is the optimum CBC proves (45, 99
    /// and 135), and on p = 8 and 16 the value `auto` finds (351, 711), where every other part stops
    /// 6–9% short; ZB-H1 meets it. On p = 2 exhaustive search agrees.
    @Test(arguments: [(2, 4, 45.0), (4, 8, 99), (4, 12, 135), (8, 32, 351), (16, 64, 711)])
    func theCappedUniformProblemsAreDecided(devices: Int, microbatches: Int, optimum: Double) throws {
        let stage = StageProfile(forward: 3, backwardInput: 4, backwardWeight: 2, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        let problem = try Problem(name: "uniform-p\(devices)-m\(microbatches)-cap\(2 * devices)", microbatches: microbatches, devices: devices,
                                  stages: Array(repeating: stage, count: devices), communication: Communication(latency: 1),
                                  memoryLimit: Array(repeating: Double(2 * devices), count: devices))
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        #expect(parts.lastForward == optimum, "\(parts)")
        #expect(parts.named.filter { $0.name != "last forward" }.allSatisfy { $0.value < optimum }, "\(parts)")
        // ZB-H1 (1F1B with each W after its B, delayed by the stage) meets it: the bound proves it optimal.
        let zbH1 = try Methods.standard.solve(problem, method: "zb-h1")
        #expect(zbH1.evaluation.metrics.stageSpan == optimum)
        if devices == 2 {
            // Fusing cannot lower a peak here (B then W at once frees what BW does), so split orders
            // in microbatch order hold an optimum.
            #expect(!problem.fusedBackwardCanLowerPeak)
            let options = ExhaustiveSearch.Options(fusedBackward: false, microbatchOrder: true, maximumSchedules: 500_000)
            let reference = try #require(ExhaustiveSearch.solve(problem, objective: .stageSpan, options: options))
            #expect(reference.optimum == optimum)
        }
        // Without the cap it adds nothing.
        #expect(LowerBound.parts(try problem.withMemoryLimit(nil), objective: .stageSpan).lastForward == 0)
    }
}
