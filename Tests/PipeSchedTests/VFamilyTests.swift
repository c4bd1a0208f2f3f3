import Testing
@testable import PipeSched

/// ZB-V, V-Half and V-Min: valid orders for any costs, and the papers' memory and bubble claims.
///
/// Measured with F = B = W = 1, no latency, memory F +1, B 0, W −1 per chunk (the weights of
/// `zbv_greedy.py`; F +1, B −1, W 0 gives the same peaks). Peak in chunk activations (2 = one
/// microbatch), bubble rate on the stage span; 1F1B is the sequential 1F1B family on p stages.
///
/// | p | m  | ZB-V peak / bubble | V-Half peak / bubble | V-Min peak / bubble | 1F1B bubble |
/// |---|----|--------------------|----------------------|---------------------|-------------|
/// | 4 |  4 |  8 / 0.2000        |  6 / 0.2941          | 4 / 0.3143          | 0.4286      |
/// | 4 |  8 |  8 / 0             |  6 / 0.0943          | 4 / 0.1864          | 0.2727      |
/// | 4 | 12 |  8 / 0             |  6 / 0.0649          | 4 / 0.1325          | 0.2000      |
/// | 6 |  6 | 12 / 0.2174        |  8 / 0.2500          | 6 / 0.3208          | 0.4545      |
/// | 6 | 12 | 12 / 0             |  8 / 0.1325          | 6 / 0.1910          | 0.2941      |
/// | 6 | 18 | 12 / 0             |  8 / 0.0924          | 6 / 0.1360          | 0.2174      |
/// | 8 |  8 | 16 / 0.2258        | 10 / 0.2615          | 8 / 0.3600          | 0.4667      |
/// | 8 | 16 | 16 / 0             | 10 / 0.1504          | 8 / 0.2195          | 0.3043      |
/// | 8 | 24 | 16 / 0             | 10 / 0.1056          | 8 / 0.1579          | 0.2258      |
///
/// Peaks match the papers exactly for m ≥ p: ZB-V 2p (p microbatches), V-Half 2⌊(p+2)/2⌋, V-Min
/// 2⌊(p+4)/3⌋. ZB-V has zero bubble from m = 2p−1 (PyTorch's minimum). Bubble / 1F1B bubble for
/// p = 2…8: V-Half ≤ 0.56 and V-Min ≤ 0.72 at m ∈ {2p, 3p}; at m = 8p, V-Half 0.18–0.50 (paper ½)
/// and V-Min 0.44–0.67 (paper ⅔ + O(p)).
@Suite struct VFamilyTests {
    static let families: [any ScheduleFamily] = [ZBV(), VHalf(), VMin()]

    /// Unit costs, no latency, activations held from F until W.
    static func unitProblem(devices p: Int, microbatches m: Int, placement: Placement = .v) -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                 memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        return try! Problem(microbatches: m, devices: p, placement: placement,
                            stages: Array(repeating: stage, count: placement == .v ? 2 * p : p))
    }

    /// Heterogeneous costs and memory, latency 0.05–0.3, V placement.
    static func randomProblem(devices p: Int, microbatches m: Int, seed: UInt64) -> Problem {
        var rng = SeededGenerator(seed: seed)
        let stages = (0..<(2 * p)).map { _ -> StageProfile in
            let activations = Double.random(in: 1...3, using: &rng)
            let freedByB = activations * Double.random(in: 0...0.9, using: &rng)
            return StageProfile(forward: Double.random(in: 0.3...2.5, using: &rng),
                                backwardInput: Double.random(in: 0.3...2.5, using: &rng),
                                backwardWeight: Double.random(in: 0.2...2.0, using: &rng),
                                memory: MemoryDeltas(forward: activations, backwardInput: -freedByB, backwardWeight: freedByB - activations))
        }
        return try! Problem(microbatches: m, devices: p, placement: .v, stages: stages,
                            communication: Communication(latency: Double.random(in: 0.05...0.3, using: &rng)))
    }

    /// Peak (chunk activations) and bubble rate on the stage span.
    static func measure(_ family: any ScheduleFamily, _ problem: Problem) throws -> (peak: Double, bubble: Double) {
        let metrics = try Evaluation(problem, family.build(problem), objective: .stageSpan).metrics
        return (metrics.peakMemory.max() ?? 0, metrics.bubbleRate)
    }

    /// Bubble rate of 1F1B on p sequential unit-cost stages.
    static func oneFOneBBubble(devices p: Int, microbatches m: Int) throws -> Double {
        try measure(OneFOneB(), unitProblem(devices: p, microbatches: m, placement: .sequential)).bubble
    }

    @Test func registered() {
        for family in Self.families {
            #expect(ScheduleFamilies.named(family.name) != nil)
            #expect(family.summary.contains("Qi et al."))
        }
        #expect(Self.families.map(\.name) == ["zb-v", "v-half", "v-min"])
    }

    @Test(arguments: [ZBV(), VHalf(), VMin()] as [any ScheduleFamily])
    func validForRandomCosts(_ family: any ScheduleFamily) throws {
        for p in 1...8 {
            let sizes = Set([1, p - 1, p, 2 * p, 3 * p].filter { $0 >= 1 })
            for m in sizes.sorted() {
                let problem = Self.randomProblem(devices: p, microbatches: m, seed: UInt64(1000 * p + m))
                let schedule = try family.build(problem)
                #expect(Validator.validate(problem, schedule).isEmpty, "\(family.name) p=\(p) m=\(m)")
                #expect(!schedule.orders.joined().contains { $0.kind == .backward })
                let simulation = try Simulator.simulate(problem, schedule)
                #expect(Validator.validate(problem, simulation.timeline).isEmpty, "\(family.name) p=\(p) m=\(m)")
            }
        }
    }

    @Test func zbvZeroBubbleAtOneFOneBMemory() throws {
        for p in 2...8 {
            for m in [2 * p - 1, 2 * p, 3 * p] {
                let (peak, bubble) = try Self.measure(ZBV(), Self.unitProblem(devices: p, microbatches: m))
                #expect(abs(bubble) < 1e-9, "p=\(p) m=\(m) bubble \(bubble)")
                #expect(peak == Double(2 * p), "p=\(p) m=\(m) peak \(peak)")
            }
            let short = try Self.measure(ZBV(), Self.unitProblem(devices: p, microbatches: 2 * p - 2))
            #expect(short.bubble > 0.01 && short.peak <= Double(2 * p))
        }
    }

    @Test func vHalfHalfMemoryAndHalfBubble() throws {
        for p in 2...8 {
            let paperPeak = Double(2 * ((p + 2) / 2))
            for m in [1, p - 1, p, 2 * p, 3 * p] where m >= 1 {
                let (peak, bubble) = try Self.measure(VHalf(), Self.unitProblem(devices: p, microbatches: m))
                #expect(m >= p ? peak == paperPeak : peak <= paperPeak, "p=\(p) m=\(m) peak \(peak)")
                let oneFOneB = try Self.oneFOneBBubble(devices: p, microbatches: m)
                #expect(bubble < (m >= 2 * p ? 0.6 : 1) * oneFOneB, "p=\(p) m=\(m) bubble \(bubble) vs 1F1B \(oneFOneB)")
            }
        }
        for p in [4, 8] {
            let bubble = try Self.measure(VHalf(), Self.unitProblem(devices: p, microbatches: 8 * p)).bubble
            #expect(bubble <= 0.52 * (try Self.oneFOneBBubble(devices: p, microbatches: 8 * p)))
        }
    }

    @Test func vMinThirdMemoryAndTwoThirdsBubble() throws {
        for p in 2...8 {
            let paperPeak = Double(2 * ((p + 4) / 3))
            for m in [1, p - 1, p, 2 * p, 3 * p] where m >= 1 {
                let (peak, bubble) = try Self.measure(VMin(), Self.unitProblem(devices: p, microbatches: m))
                #expect(m >= p ? peak == paperPeak : peak <= paperPeak, "p=\(p) m=\(m) peak \(peak)")
                let oneFOneB = try Self.oneFOneBBubble(devices: p, microbatches: m)
                #expect(bubble < (m >= 2 * p ? 0.75 : 1) * oneFOneB, "p=\(p) m=\(m) bubble \(bubble) vs 1F1B \(oneFOneB)")
            }
        }
        for p in [4, 8] {
            let bubble = try Self.measure(VMin(), Self.unitProblem(devices: p, microbatches: 8 * p)).bubble
            #expect(bubble <= 0.69 * (try Self.oneFOneBBubble(devices: p, microbatches: 8 * p)))
        }
    }

    @Test func memoryOrderMinHalfZB() throws {
        for p in 2...8 {
            let peaks = try Self.families.map { try Self.measure($0, Self.unitProblem(devices: p, microbatches: 3 * p)).peak }
            #expect(peaks[2] <= peaks[1] && peaks[1] <= peaks[0], "p=\(p) peaks \(peaks)")
        }
    }

    @Test(arguments: [ZBV(), VHalf(), VMin()] as [any ScheduleFamily])
    func refusesOtherPlacements(_ family: any ScheduleFamily) {
        let sequential = Self.unitProblem(devices: 4, microbatches: 8, placement: .sequential)
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1)
        let interleaved = try! Problem(microbatches: 8, devices: 4, placement: .interleaved, stages: Array(repeating: stage, count: 8))
        for problem in [sequential, interleaved] {
            #expect {
                _ = try family.build(problem)
            } throws: { error in
                guard let error = error as? FamilyError else { return false }
                return error.method == family.name && error.message.contains("V placement")
            }
        }
    }
}
