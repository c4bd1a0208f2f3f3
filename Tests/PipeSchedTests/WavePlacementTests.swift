import Foundation
import Testing
@testable import PipeSched

/// The wave placement (Hanayo): chunks run down and back up the devices; two chunks are the V. The
/// search methods schedule it validly, the bounds stay below the exhaustive optimum on tiny waves,
/// and the profile and sweep reach it.
@Suite struct WavePlacementTests {
    @Test func chunksRunDownAndBackUp() throws {
        #expect(try Placement.wave.devices(stages: 12, devices: 3) == [0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0])
        #expect(try Placement.wave.devices(stages: 8, devices: 4) == Placement.v.devices(stages: 8, devices: 4))
        #expect(try Placement.wave.devices(stages: 6, devices: 1) == [0, 0, 0, 0, 0, 0])
    }

    @Test func aStageCountItCannotPlaceIsRefusedWithAFix() {
        for stages in [4, 7] {
            do {
                _ = try Placement.wave.devices(stages: stages, devices: 4)
                Issue.record("\(stages) stages on 4 devices were accepted")
            } catch {
                #expect(error.field == "placement" && error.message.contains("wave") && error.fix.contains("8"), "\(error)")
                #expect(error.fix == "give 8 or 12 stages", "two different counts that fit: \(error)")
            }
        }
        // Two copies of whole waves each: 12 stages on 4 devices are 6 a copy.
        #expect(throws: ProblemError(field: "placement", message: "\"wave\" needs a multiple of devices (4) stages per pipeline, at least two per device in all, got 12 in 2 pipelines",
                                     fix: "give 8 or 16 stages")) { try Placement.wave.devices(stages: 12, devices: 4, pipelines: 2) }
    }

    @Test func roundTripsThroughJSONByName() throws {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -1, backwardWeight: 0))
        let problem = try Problem(name: "wave", microbatches: 2, devices: 2, placement: .wave, stages: Array(repeating: stage, count: 8))
        let text = String(decoding: try JSONEncoder().encode(problem), as: UTF8.self)
        #expect(text.contains("\"placement\":\"wave\""))
        let decoded = try Problem.decode(json: Data(text.utf8))
        #expect(decoded.placement == .wave && decoded.stageDevice == [0, 1, 1, 0, 0, 1, 1, 0])
        #expect(Placement(name: "wave") == .wave && Placement(name: "zigzag") == nil)
    }

    /// Every greedy policy and local search give valid schedules within the cap on waves of 3 and 4
    /// chunks, capped and not.
    @Test(arguments: [(3, 3, 6), (4, 4, 8), (2, 5, 6)])
    func searchSchedulesAreValid(devices: Int, chunks: Int, microbatches: Int) throws {
        let wide = TestProblems.random(devices: devices * chunks, microbatches: microbatches, seed: UInt64(devices * 10 + chunks))
        let base = try Problem(name: "wave-\(devices)x\(chunks)", microbatches: microbatches, devices: devices, placement: .wave,
                               stages: wide.stages, communication: wide.communication)
        for problem in [base, try GreedyTests.capped(base, factor: 1.0)] {
            for policy in PolicySample.distinctGrid(for: problem, fusing: true) {
                guard let schedule = ListScheduler(problem: problem, policy: policy).schedule() else { continue }
                let issues = Validator.validate(problem, schedule)
                #expect(issues.isEmpty, "\(problem.name) \(policy): \(issues.prefix(3))")
            }
            let best = try #require(GreedySearch.best(problem, objective: .stageSpan), "\(problem.name)")
            let improved = LocalSearch(problem: problem, objective: .stageSpan, maxEvaluations: 40).improve(best.schedule)
            #expect(Validator.validate(problem, improved.schedule).isEmpty)
            let value = try Evaluation(problem, improved.schedule, objective: .stageSpan).metrics.stageSpan
            #expect(value >= LowerBound.value(problem, objective: .stageSpan) - 1e-9)
        }
    }

    /// The bounds hold on tiny waves (2 devices, 3 chunks, one microbatch), against exhaustive search
    /// over split backward passes (every backward only frees, so fusing cannot lower a peak).
    @Test(arguments: 0..<4)
    func boundsStayBelowTheOptimum(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(500 + seed))
        let stages = (0..<6).map { _ in
            StageProfile(forward: Double(Int.random(in: 1...3, using: &generator)), backwardInput: Double(Int.random(in: 1...3, using: &generator)),
                         backwardWeight: Double(Int.random(in: 0...2, using: &generator)),
                         memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        }
        let unlimited = try Problem(name: "tiny-wave-\(seed)", microbatches: 1, devices: 2, placement: .wave, stages: stages,
                                    communication: Communication(latency: seed % 2 == 0 ? 0 : 0.5))
        let problem = seed % 3 == 2 ? try unlimited.withMemoryLimit((0..<2).map { unlimited.minimumMemory(device: $0) + 2 }) : unlimited
        try BoundReferee.check(problem, maximumSchedules: 500_000, splitOnly: true, mustFinish: true)
    }
}
