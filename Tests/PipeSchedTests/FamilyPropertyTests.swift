import Testing
@testable import PipeSched

/// Every schedule family, on a grid of sizes with random heterogeneous costs, yields schedules the
/// validator accepts.
@Suite struct FamilyPropertyTests {
    static let grid: [(p: Int, m: Int)] = (2...8).flatMap { p in [p, 2 * p, 3 * p].map { (p, $0) } }

    static func placements(for family: any ScheduleFamily) -> [(Placement, Int)] {
        switch family.name {
        case "interleaved-1f1b", "interleaved-zb": [(.interleaved, 2), (.interleaved, 3)]
        case "bfs": [(.sequential, 1), (.interleaved, 2), (.v, 2)]
        case "zb-v", "v-half", "v-min", "dualpipev", "dualpipe", "chimera": [(.v, 2)]
        case "bitpipe": [(.wave, 4)]
        default: [(.sequential, 1)]
        }
    }

    @Test(arguments: ScheduleFamilies.all.map(\.name))
    func everyScheduleOnTheGridIsValid(method: String) throws {
        let family = try #require(ScheduleFamilies.named(method))
        for (placement, chunks) in Self.placements(for: family) {
            // DualPipeV needs m ≥ 2p (as PyTorch's class does); DualPipe, Chimera and BitPipe two pipelines and an even p.
            for (index, size) in Self.grid.enumerated() where (method != "dualpipev" || size.m >= 2 * size.p) && (family.pipelines == 1 || size.p % 2 == 0) {
                let random = TestProblems.random(devices: size.p, microbatches: size.m, placement: placement, chunks: chunks,
                                                 seed: UInt64(1000 * index + chunks))
                let problem = try random.with { $0.pipelines = family.pipelines }
                let schedule = try family.build(problem)
                let issues = Validator.validate(problem, schedule)
                #expect(issues.isEmpty, "\(method) p=\(size.p) m=\(size.m) \(placement): \(issues)")
                let evaluation = try Evaluation(problem, schedule, objective: .stageSpan)
                #expect(evaluation.isValid, "\(method) p=\(size.p) m=\(size.m): \(evaluation.issues)")
                #expect(evaluation.metrics.stageSpan >= evaluation.metrics.lowerBound - 1e-9)
                #expect(evaluation.metrics.makespan >= LowerBound.value(problem, objective: .makespan) - 1e-9)
            }
        }
    }

    /// Where p does not divide m, every family builds a valid schedule or refuses the problem with
    /// a `FamilyError`: never an invalid one (`interleaved-1f1b` deadlocked at p = 8, m = 12 until it
    /// took PyTorch's rounds).
    @Test(arguments: ScheduleFamilies.all.map(\.name))
    func microbatchesThatAreNotAMultipleOfPAreScheduledOrRefused(method: String) throws {
        let family = try #require(ScheduleFamilies.named(method))
        for (placement, chunks) in Self.placements(for: family) {
            for (index, size) in [(3, 4), (4, 6), (4, 10), (8, 12), (8, 20)].enumerated() where family.pipelines == 1 || size.0 % 2 == 0 {
                let random = TestProblems.random(devices: size.0, microbatches: size.1, placement: placement, chunks: chunks, seed: UInt64(77 + index))
                let problem = try random.with { $0.pipelines = family.pipelines }
                let schedule: Schedule
                do { schedule = try family.build(problem) } catch { continue }
                let issues = Validator.validate(problem, schedule)
                #expect(issues.isEmpty, "\(method) p=\(size.0) m=\(size.1) \(placement): \(issues)")
            }
        }
    }

    @Test func sequentialFamiliesRefuseSeveralStagesPerDevice() {
        let problem = TestProblems.unit(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2)
        for name in ["gpipe", "1f1b", "zb-h1", "zb-h2"] {
            #expect(throws: FamilyError.self) { try ScheduleFamilies.named(name)!.build(problem) }
        }
    }

    @Test func interleavedRefusesSequentialStagesOnOtherDevices() {
        let problem = try! Problem(microbatches: 4, devices: 2, placement: .explicit([0, 0, 1, 1]),
                                   stages: Array(repeating: StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1), count: 4))
        #expect(throws: FamilyError.self) { try Interleaved1F1B().build(problem) }
    }
}
