import Foundation
import PipeSched
import Testing
@testable import PipeSchedSweep

/// How a point's problem is made from the base problem.
@Suite struct PointProblemTests {
    let base = SweepFixtures.base

    @Test func resplittingKeepsTheModelsTotals() throws {
        for (devices, placement) in [(2, PlacementChoice.sequential), (8, .sequential), (2, .v), (3, .interleaved(chunks: 2)), (3, .wave(chunks: 4))] {
            let point = SweepPoint(index: 0, devices: devices, microbatches: 8, memoryCap: .none, sequenceSlices: 1, placement: placement)
            let problem = try PointProblem.build(point, base: base)
            #expect(abs(problem.totalWork - base.totalWork) < 1e-9, "\(point.label)")
            let staticMemory = problem.stages.reduce(0) { $0 + $1.staticMemory }
            #expect(abs(staticMemory - 4) < 1e-9)
        }
    }

    /// `bidirectional`: two copies of the model in opposite directions, each cut into one stage per
    /// device, so a device holds a stage of each and twice one copy's share of the weights; from a
    /// base of two pipelines, `sequential` cuts one copy.
    @Test func bidirectionalPointsHoldTwoCopiesOfTheModel() throws {
        #expect(try PlacementChoice.parse("bidirectional", field: "placement") == .bidirectional)
        let point = SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .none, sequenceSlices: 1, placement: .bidirectional)
        let problem = try PointProblem.build(point, base: base)
        #expect(problem.pipelines == 2 && problem.placement == .v && problem.stageCount == 8)
        #expect(Array(problem.stages.prefix(4)) == Array(problem.stages.suffix(4)))
        #expect(abs(problem.totalWork - 2 * base.totalWork) < 1e-9, "two copies, each running every microbatch")
        #expect(abs(problem.stages.reduce(0) { $0 + $1.staticMemory } - 8) < 1e-9)
        let again = try PointProblem.build(SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .none, sequenceSlices: 1, placement: .base), base: problem)
        #expect(again == (try problem.with { $0.name = again.name }))
        let one = try PointProblem.build(SweepPoint(index: 0, devices: 2, microbatches: 8, memoryCap: .none, sequenceSlices: 1, placement: .sequential), base: problem)
        #expect(one.pipelines == 1 && abs(one.totalWork - base.totalWork) < 1e-9)
    }

    /// `bidirectional-v`: two V-shaped copies in opposite directions (BitPipe's placement), four stages
    /// per device, each copy cut into two per device.
    @Test func bidirectionalVPointsHoldTwoOppositeVs() throws {
        #expect(try PlacementChoice.parse("bidirectional-v", field: "placement") == .bidirectionalV)
        #expect(PlacementChoice.bidirectionalV.description == "bidirectional-v")
        let point = SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .none, sequenceSlices: 1, placement: .bidirectionalV)
        let problem = try PointProblem.build(point, base: base)
        #expect(problem.pipelines == 2 && problem.placement == .wave && problem.stageCount == 16)
        #expect(problem.stageDevice == [0, 1, 2, 3, 3, 2, 1, 0, 3, 2, 1, 0, 0, 1, 2, 3])
        #expect(abs(problem.totalWork - 2 * base.totalWork) < 1e-9, "two copies, each running every microbatch")
        #expect(throws: Never.self) { try BitPipe().build(problem) }
    }

    @Test func wavePlacementsParse() throws {
        #expect(try PlacementChoice.parse("wave", field: "placement") == .wave(chunks: 4))
        #expect(try PlacementChoice.parse("wave:6", field: "placement") == .wave(chunks: 6))
        #expect(PlacementChoice.wave(chunks: 6).description == "wave:6" && PlacementChoice.wave(chunks: 4).description == "wave")
        #expect(throws: GridError.self) { try PlacementChoice.parse("wave:1", field: "placement") }
    }

    @Test func slicesKeepTheTotalWork() throws {
        let point = SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .none, sequenceSlices: 4, placement: .sequential)
        let problem = try PointProblem.build(point, base: base)
        #expect(problem.sequenceSlices == 4)
        #expect(abs(problem.totalWork - base.totalWork) < 1e-9)
        #expect(abs(problem.stages[0].forward - base.stages[0].forward / 4) < 1e-12)
    }

    @Test func aBoundarysMessageIsSplitOverSlicesAndAveragedOverStages() throws {
        // The base's boundaries carry 0.5, 1.5 and 1 (its last stage sends nothing on).
        let sized = try base.with { fields in
            for (stage, size) in [0.5, 1.5, 1, 7].prefix(fields.stages.count).enumerated() { fields.stages[stage].slices[0].messageSize = size }
        }
        #expect(sized.stageCount == 4)
        let sliced = try PointProblem.build(SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .none, sequenceSlices: 2, placement: .sequential), base: sized)
        #expect(sliced.stages.map(\.slices[0].messageSize) == [0.25, 0.75, 0.5, 3.5], "each slice carries half of its boundary")
        let wider = try PointProblem.build(SweepPoint(index: 0, devices: 8, microbatches: 8, memoryCap: .none, sequenceSlices: 1, placement: .sequential), base: sized)
        #expect(wider.stages.allSatisfy { $0.slices[0].messageSize == 1 }, "the mean of 0.5, 1.5 and 1")
    }

    @Test func relativeCapIsAMultipleOfTheOneFOneBPeak() throws {
        let peak = try Methods.solve(base, method: "1f1b").evaluation.metrics.peakMemory.max()!
        #expect(try PointProblem.oneFOneBPeak(base: base, devices: 4, microbatches: 8) == peak)
        let point = SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .multipleOfOneFOneBPeak(0.9), sequenceSlices: 1, placement: .base)
        #expect(try PointProblem.build(point, base: base).memoryLimit == Array(repeating: 0.9 * peak, count: 4))
    }

    /// `Kp`: Zero Bubble's unit on the point's own placement, never above the base's caps.
    @Test func activationCapsUseThePointsPlacement() throws {
        for placement in [PlacementChoice.base, .v] {
            let point = SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .activations(1.5), sequenceSlices: 1, placement: placement)
            let problem = try PointProblem.build(point, base: base)
            let uncapped = try problem.with { $0.memoryLimit = base.memoryLimit }
            #expect(problem.memoryLimit == uncapped.activationCaps(factor: 1.5), "\(placement)")
            for device in 0..<4 {
                let stages = problem.deviceStages[device]
                let expected = stages.reduce(0) { $0 + problem.stages[$1].staticMemory + 1.5 * 4 * problem.stages[$1].slices[0].memory.forward }
                #expect(abs(problem.cap(device: device) - min(base.cap(device: device), expected)) < 1e-9)
            }
        }
    }

    @Test func capBelowOneMicrobatchIsAnInvalidPoint() {
        let point = SweepPoint(index: 0, devices: 4, microbatches: 8, memoryCap: .absolute(0.5), sequenceSlices: 1, placement: .base)
        #expect(throws: GridError.self) { try PointProblem.build(point, base: base) }
    }
}
