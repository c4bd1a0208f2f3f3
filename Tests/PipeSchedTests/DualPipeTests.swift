import Testing
@testable import PipeSched

/// `dualpipe` against a transcription of DeepSeek's `DualPipe.step` (`deepseek-ai/DualPipe`,
/// `dualpipe/dualpipe.py`): its eight steps per rank, phases mapped to the rank's two stages, a
/// deferred weight pass per `enable_zb` backward popped first in, first out (`WeightGradStore`).
struct DualPipeTests {
    /// `dualpipe.py`'s order for one rank: the passes and the positions of the forwards it runs
    /// overlapped with the backward after them (`_forward_backward_chunk`).
    static func deepSeekOrder(rank: Int, devices p: Int, microbatches m: Int) -> (order: [Op], pairs: Set<Int>) {
        let halfRanks = p / 2, half = min(rank, p - 1 - rank)
        let secondHalf = rank >= halfRanks, middle = rank == halfRanks - 1 || rank == halfRanks
        var forwards = [0, 0], backwards = [0, 0]
        var weights: [Op] = [], order: [Op] = [], pairs = Set<Int>()
        func module(_ phase: Int) -> Int { phase ^ (secondHalf ? 1 : 0) }
        func stage(_ phase: Int) -> Int { module(phase) == 0 ? rank : 2 * p - 1 - rank }
        func forward(_ phase: Int) {
            order.append(.forward(stage(phase), forwards[module(phase)]))
            forwards[module(phase)] += 1
        }
        func backward(_ phase: Int, zeroBubble: Bool = false) {
            let microbatch = backwards[module(phase)]
            backwards[module(phase)] += 1
            guard zeroBubble else { return order.append(.backward(stage(phase), microbatch)) }
            order.append(.backwardInput(stage(phase), microbatch))
            weights.append(.backwardWeight(stage(phase), microbatch))
        }
        func weight() { order.append(weights.removeFirst()) }
        func forwardBackward(_ phase0: Int, _ phase1: Int) {
            pairs.insert(order.count)
            forward(phase0)
            backward(phase1)
        }
        for _ in 0..<((halfRanks - half - 1) * 2) { forward(0) }  // step 1: nF0
        for _ in 0..<(half + 1) { forward(0); forward(1) }  // step 2: nF0F1
        for _ in 0..<(halfRanks - half - 1) { backward(1, zeroBubble: true); weight(); forward(1) }  // step 3: nB1W1F1
        for step in 0..<(m - p + half + 1) {  // step 4: nF0B1F1B0
            if step == 0 && middle { forward(0); backward(1) } else { forwardBackward(0, 1) }
            forwardBackward(1, 0)
        }
        for _ in 0..<(halfRanks - half - 1) { backward(1); forwardBackward(1, 0) }  // step 5: nB1F1B0
        var zeroBubble = false
        for step in 0..<(half + 1) {  // step 6: nB1B0
            if step == (half + 1) / 2 && half % 2 == 1 { zeroBubble = true }
            backward(1, zeroBubble: zeroBubble)
            if step == (half + 1) / 2 && half % 2 == 0 { zeroBubble = true }
            backward(0, zeroBubble: zeroBubble)
        }
        for _ in 0..<(halfRanks - half - 1) { weight(); backward(0, zeroBubble: true) }  // step 7: nWB0
        for _ in 0..<(half + 1) { weight() }  // step 8: nW
        #expect(weights.isEmpty)
        return (order, pairs)
    }

    static func problem(devices: Int, microbatches: Int, overlap: Bool = false) throws -> Problem {
        let stage = StageProfile(slices: [PassCosts(forward: 1, backwardInput: 1, backwardWeight: 1,
                                                    memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5),
                                                    overlap: overlap ? OverlapCost(forward: 0.25, backward: 0.25) : nil)])
        return try Problem(name: "dualpipe-\(devices)x\(microbatches)", microbatches: microbatches, devices: devices, placement: .v,
                           stages: Array(repeating: stage, count: 2 * devices), communication: Communication(latency: 0.1), pipelines: 2)
    }

    @Test(arguments: [(2, 2), (2, 5), (4, 4), (4, 9), (6, 6), (6, 13), (8, 8), (8, 20)])
    func everyRankRunsDeepSeeksEightSteps(devices: Int, microbatches: Int) throws {
        let schedule = try DualPipe().build(Self.problem(devices: devices, microbatches: microbatches, overlap: true))
        for rank in 0..<devices {
            let reference = Self.deepSeekOrder(rank: rank, devices: devices, microbatches: microbatches)
            #expect(schedule.orders[rank] == reference.order, "rank \(rank)")
            #expect(schedule.overlaps[rank] == reference.pairs, "rank \(rank)")
        }
    }

    @Test func itsSchedulesAreValidAndAutoRunsIt() throws {
        for (devices, microbatches) in [(2, 2), (4, 6), (8, 8)] {
            let problem = try Self.problem(devices: devices, microbatches: microbatches)
            let solution = try Methods.standard.solve(problem, method: "dualpipe")
            #expect(solution.evaluation.isValid)
            let (auto, _) = try Methods.solveAuto(problem, options: SolveOptions(timeLimit: 0.5))
            #expect(auto.evaluation.metrics.stageSpan <= solution.evaluation.metrics.stageSpan + 1e-9)
            #expect(auto.candidates?.contains { $0.method == "dualpipe" && $0.value != nil } == true)
        }
    }

    @Test func itNeedsTwoPipelinesAnEvenPAndAPipelinesWorthOfMicrobatches() throws {
        let method = try #require(Methods.standard.named("dualpipe"))
        #expect(!method.fits(try Self.problem(devices: 4, microbatches: 4).with { $0.pipelines = 1 }))
        #expect(!method.fits(try Self.problem(devices: 3, microbatches: 6)))
        #expect(!method.fits(try Self.problem(devices: 4, microbatches: 3)))
        #expect(method.fits(try Self.problem(devices: 4, microbatches: 4)))
    }
}
