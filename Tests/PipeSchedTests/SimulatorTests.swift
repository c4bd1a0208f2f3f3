import Testing
@testable import PipeSched

/// The simulator's as-soon-as-possible times, communication latency, deadlock reports, memory and
/// critical path on hand-checked cases.
@Suite struct SimulatorTests {
    @Test func timesFollowDependenciesAndLatency() throws {
        // Two stages, one microbatch: F0 [0,2], comm 1, F1 [3,6], B1 [6,10], comm 1, B0 [11,13], W0 [13,14].
        let problem = try Problem(microbatches: 1, devices: 2, stages: [
            StageProfile(forward: 2, backwardInput: 2, backwardWeight: 1),
            StageProfile(forward: 3, backwardInput: 4, backwardWeight: 0),
        ], communication: Communication(latency: 1))
        let schedule = Schedule(orders: [
            [.forward(0, 0), .backwardInput(0, 0), .backwardWeight(0, 0)],
            [.forward(1, 0), .backward(1, 0)],
        ])
        let simulation = try Simulator.simulate(problem, schedule)
        #expect(simulation.timeline[0].map(\.start) == [0, 11, 13])
        #expect(simulation.timeline[1].map(\.start) == [3, 6])
        #expect(simulation.timeline[1].map(\.end) == [6, 10])
        #expect(simulation.criticalPath == [.forward(0, 0), .forward(1, 0), .backward(1, 0), .backwardInput(0, 0), .backwardWeight(0, 0)])
        let metrics = Metrics(problem, simulation.timeline, objective: .makespan)
        #expect(metrics.makespan == 14)
        #expect(metrics.stageSpan == 14)
        #expect(metrics.lowerBound == 14) // one microbatch: the chain is the bound
    }

    @Test func memoryIsTrackedPerDeviceWithStaticMemory() throws {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1,
                                 memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1), staticMemory: 5)
        let problem = try Problem(microbatches: 3, devices: 2, stages: [stage, stage])
        let simulation = try Simulator.simulate(problem, try GPipe().build(problem))
        #expect(simulation.peakMemory == [11, 11])
        #expect(simulation.memoryAfterOp[0] == [7, 9, 11, 9, 7, 5])
    }

    @Test func deadlockNamesTheStuckOps() {
        let problem = TestProblems.unit(devices: 2, microbatches: 2)
        let schedule = Schedule(orders: [
            [.forward(0, 1), .forward(0, 0), .backward(0, 0), .backward(0, 1)],
            [.forward(1, 0), .backward(1, 1), .forward(1, 1), .backward(1, 0)],
        ])
        #expect {
            try Simulator.simulate(problem, schedule)
        } throws: { error in
            let text = "\(error)"
            return text.contains("deadlock") && text.contains("device 1 waits at BW(s1,m1) for F(s1,m1)")
        }
    }

    @Test func bubblesReportIdleTimeAndFreeMemory() throws {
        let problem = TestProblems.unit(devices: 2, microbatches: 2, memoryLimit: 4)
        let evaluation = try Evaluation(problem, try OneFOneB().build(problem), objective: .stageSpan)
        let idle = evaluation.bubbles.filter { $0.device == 0 }
        // Device 0: F0 [0,1], F1 [1,2], then waits for BW(s1,m0) [2,4] → idle [2,4) with 2 activations held.
        #expect(idle.first == Bubble(device: 0, start: 2, length: 2, freeMemory: 2))
    }

    @Test func malformedSchedulesAreExplained() {
        let problem = TestProblems.unit(devices: 2, microbatches: 1)
        let missing = Schedule(orders: [[.forward(0, 0), .backward(0, 0)], [.backward(1, 0)]])
        #expect(throws: SimulationError.malformed("BW(s1,m0) needs F(s1,m0), which no device runs")) {
            try Simulator.simulate(problem, missing)
        }
        // A missing input gradient names the pass that waits for it; the first missing dependency is reported.
        let noGradient = Schedule(orders: [[.forward(0, 0), .backward(0, 0)], [.forward(1, 0)]])
        #expect(throws: SimulationError.malformed("BW(s0,m0) needs the input gradient of B(s1,m0) (B or BW), which no device runs")) {
            try Simulator.simulate(problem, noGradient)
        }
    }
}
