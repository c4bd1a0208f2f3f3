import Testing
@testable import PipeSched

/// The start-up window of a device holding several stages (`StartupBound`): until the first
/// backward can reach it, a device runs only forwards whose head (measured from its first stage's
/// forward) has passed, and its cap bounds how many. Exhaustive search referees it on V and
/// interleaved problems, where the later stages' forwards arrive only after a microbatch has gone
/// round the other devices.
@Suite struct StartupWindowTests {
    /// Two devices in a V (stages 0 and 3 on device 0): every pass lasts 1 and allocates 1 (a
    /// backward frees it), no latency, device 0 capped at two activations.
    static func capped() throws -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -1, backwardWeight: 0))
        return try Problem(name: "v-window", microbatches: 2, devices: 2, placement: .v, stages: Array(repeating: stage, count: 4),
                           memoryLimit: [2, 100])
    }

    @Test func theLaterStagesForwardsArriveOnlyAfterTheVsTurn() throws {
        let problem = try Self.capped()
        let chains = MicrobatchChains(problem)
        // Device 0 runs F(0) at once, F(3) 3 later (after F(1) and F(2) on device 1), and its first
        // backward B(3) 4 later. In those 4 it can hold two activations: 2 of forward time at most,
        // so it idles 2 beside its 12 of work.
        #expect(StartupBound.startupIdle(problem, device: 0, chains: chains) == 2)
        #expect(StartupBound.deviceSpan(problem, device: 0, chains: chains) == 14)
        #expect(LowerBound.parts(problem, objective: .stageSpan).startup >= 14)
    }

    /// Split passes in ascending microbatch order, without memory actions: the whole space where
    /// microbatches cost alike and a fused `BW` cannot lower the peak (every `B` frees here), so
    /// its optimum is the problem's (`Problem.microbatchOrderIsLossless`).
    static let referee = ExhaustiveSearch.Options(fusedBackward: false, microbatchOrder: true, maximumSchedules: 400_000, memoryActions: false)

    /// A random V or interleaved problem on two devices with two microbatches, every `B` freeing
    /// memory, a cap from the one-microbatch minimum up to two activations more.
    static func random(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed &* 31 &+ 5)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        let placement: Placement = draw(0...1) == 0 ? .v : .interleaved
        let stages = (0..<4).map { _ -> StageProfile in
            let forward = Double(draw(1...3))
            let backward = -Double(draw(0...4)) * 0.5
            return StageProfile(slices: [PassCosts(forward: Double(draw(1...3)), backwardInput: Double(draw(0...3)), backwardWeight: Double(draw(0...2)),
                                                   memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: -(forward + backward)))],
                                staticMemory: Double(draw(0...1)))
        }
        let unlimited = try! Problem(name: "window-\(seed)", microbatches: 2, devices: 2, placement: placement, stages: stages,
                                     communication: Communication(latency: [0, 0.5, 1, 3][draw(0...3)]))
        return try! unlimited.withMemoryLimit((0..<2).map { unlimited.minimumMemory(device: $0) + Double(draw(0...4)) * 0.5 })
    }

    /// Two seeds (of the nine below 40 whose problems the referee finishes within its budget) on
    /// which the window beats the memory and bottleneck bounds on the makespan (the referee's time
    /// allows one objective per seed). On seed 30 the in-flight chains, which count each backward's
    /// time before the forward its room admits, reach further (25.5 against the window's 24.83).
    @Test(arguments: [UInt64(15), 30])
    func theWindowStaysBelowTheExhaustiveOptimum(seed: UInt64) throws {
        let problem = Self.random(seed: seed)
        #expect(!problem.fusedBackwardCanLowerPeak && problem.microbatchOrderIsLossless(choosingActions: false))
        let parts = LowerBound.parts(problem, objective: .makespan)
        let reference = try #require(ExhaustiveSearch.solve(problem, objective: .makespan, options: Self.referee))
        #expect(parts.startup <= reference.optimum + 1e-9, "\(problem.name): \(parts.startup) > \(reference.optimum)")
        #expect(parts.startup > max(parts.memory, parts.bottleneck), "the window beats them")
    }
}
