import Testing
@testable import PipeSched

/// The lower bounds against schedules whose devices start late (`LateStartScheduler`): on problems
/// too large for exhaustive search, where a device that starts with a later microbatch can idle
/// less than any order in microbatch order allows (docs/ilp-formulation.md, "Anchors").
@Suite struct LateStartBoundTests {
    /// Interleaved and V problems of 3 or 4 devices, 6 or 8 microbatches, random costs (the
    /// second chunk sometimes much longer than the first), seeded.
    static func problem(seed: UInt64) throws -> Problem {
        var random = SeededGenerator(seed: seed)
        let devices = [3, 4].randomElement(using: &random)!
        let microbatches = [6, 8].randomElement(using: &random)!
        let stages = (0..<2 * devices).map { _ in
            let forward = [1, 1, 1.5, 2, 2.5].randomElement(using: &random)!
            let backward = forward * [1, 1.2, 2].randomElement(using: &random)!
            return StageProfile(forward: forward, backwardInput: backward, backwardWeight: backward * [0.5, 0.8, 1].randomElement(using: &random)!,
                                memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        }
        return try Problem(name: "late-start-\(seed)", microbatches: microbatches, devices: devices,
                           placement: Bool.random(using: &random) ? .interleaved : .v, stages: stages)
    }

    @Test(arguments: 0..<24)
    func noBoundExceedsALateStart(seed: UInt64) throws {
        let problem = try Self.problem(seed: seed)
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        for device in 0..<problem.devices {
            for microbatch in 0..<3 {
                let evaluation = try Evaluation(problem, LateStartScheduler.orders(problem, device: device, microbatch: microbatch),
                                                objective: .stageSpan)
                #expect(evaluation.isValid, "\(problem.name): \(evaluation.issues)")
                for (name, bound) in parts.named {
                    #expect(bound <= evaluation.metrics.stageSpan * (1 + 1e-9),
                            "\(name) bound \(bound) > \(evaluation.metrics.stageSpan) (device \(device) from microbatch \(microbatch)) on \(problem.name)")
                }
            }
        }
    }

    /// The referee does build late starts: on the interleaved problem of `StageSpanLateStartTests`
    /// (the second chunk twice as long on the later devices), the last device started with
    /// microbatch 1 meets the bound, which every order in microbatch order misses by 1.
    @Test func theRefereeStartsADeviceLate() throws {
        let stage = { (time: Double) in
            StageProfile(forward: time, backwardInput: time, backwardWeight: 0.8 * time,
                         memory: MemoryDeltas(forward: 1, backwardInput: 0, backwardWeight: -1))
        }
        let problem = try Problem(microbatches: 6, devices: 3, placement: .interleaved, stages: [1, 1, 1, 1, 2, 2.2].map(stage))
        let inOrder = try Evaluation(problem, LateStartScheduler.orders(problem, device: 2, microbatch: 0), objective: .stageSpan)
        let late = try Evaluation(problem, LateStartScheduler.orders(problem, device: 2, microbatch: 1), objective: .stageSpan)
        #expect(late.isValid && inOrder.isValid)
        #expect(abs(late.metrics.stageSpan - 53.76) < 1e-9)
        #expect(abs(LowerBound.value(problem, objective: .stageSpan) - 53.76) < 1e-9)
        #expect(abs(inOrder.metrics.stageSpan - 54.76) < 1e-9)
    }
}
