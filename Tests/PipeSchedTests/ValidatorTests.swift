import Testing
@testable import PipeSched

/// The validator rejects each kind of broken schedule, with the rule it broke.
@Suite struct ValidatorTests {
    let problem = TestProblems.unit(devices: 2, microbatches: 2)

    /// A valid 1F1B timeline for `problem` to break in each test.
    func validTimeline() throws -> Timeline {
        try Simulator.simulate(problem, try OneFOneB().build(problem)).timeline
    }

    @Test func acceptsASimulatedSchedule() throws {
        #expect(Validator.validate(problem, try validTimeline()).isEmpty)
    }

    @Test func rejectsAMissingOp() throws {
        var timeline = try validTimeline()
        timeline[1].removeLast()
        let issues = Validator.validate(problem, timeline)
        #expect(issues.contains { $0.rule == .count && $0.message.contains("missing") })
    }

    @Test func rejectsARepeatedOp() throws {
        var timeline = try validTimeline()
        timeline[0].append(timeline[0][0])
        #expect(Validator.validate(problem, timeline).contains { $0.rule == .count && $0.message.contains("appears 2 times") })
    }

    @Test func rejectsAnOpOnTheWrongDevice() throws {
        var timeline = try validTimeline()
        let moved = timeline[0].removeLast()
        timeline[1].append(TimedOp(moved.op, start: 100, end: 100 + (moved.end - moved.start)))
        #expect(Validator.validate(problem, timeline).contains { $0.rule == .placement })
    }

    @Test func rejectsADependencyBrokenByClaimedTimes() throws {
        var timeline = try validTimeline()
        // Device 1's first op is F(s1,m0); claim it starts before F(s0,m0) ends.
        let first = timeline[1][0]
        timeline[1][0] = TimedOp(first.op, start: 0, end: first.end - first.start)
        let issues = Validator.validate(problem, timeline)
        #expect(issues.contains { $0.rule == .dependency && $0.message.contains("F(s1,m0)") })
    }

    @Test func rejectsAWrongDuration() throws {
        var timeline = try validTimeline()
        timeline[0][0].end += 0.5
        #expect(Validator.validate(problem, timeline).contains { $0.rule == .duration })
    }

    @Test func rejectsOverlapOnADevice() throws {
        var timeline = try validTimeline()
        let second = timeline[0][1]
        timeline[0][1] = TimedOp(second.op, start: second.start - 0.5, end: second.end - 0.5)
        #expect(Validator.validate(problem, timeline).contains { $0.rule == .overlap })
    }

    @Test func rejectsAMemoryOverflow() throws {
        let capped = TestProblems.unit(devices: 2, microbatches: 4, memoryLimit: 1.5)
        let issues = Validator.validate(capped, try GPipe().build(capped))
        #expect(issues.contains { $0.rule == .memory && $0.message.contains("device 0 peaks at 4") })
    }

    @Test func rejectsACrossDeviceDeadlock() throws {
        // Device 0 waits for the gradient of microbatch 0 before sending forward microbatch 1, while
        // device 1 insists on running microbatch 1 first.
        let schedule = Schedule(orders: [
            [.forward(0, 0), .backward(0, 0), .forward(0, 1), .backward(0, 1)],
            [.forward(1, 1), .backward(1, 1), .forward(1, 0), .backward(1, 0)],
        ])
        let issues = Validator.validate(problem, schedule)
        #expect(issues.contains { $0.rule == .deadlock && $0.message.contains("BW(s0,m0)") && $0.message.contains("F(s1,m1)") })
        #expect(throws: SimulationError.self) { try Simulator.simulate(problem, schedule) }
    }

    @Test func rejectsMixingFusedAndSplitBackward() {
        let schedule = Schedule(orders: [
            [.forward(0, 0), .forward(0, 1), .backward(0, 0), .backwardInput(0, 1), .backwardWeight(0, 1), .backward(0, 1)],
            [.forward(1, 0), .backward(1, 0), .forward(1, 1), .backward(1, 1)],
        ])
        #expect(Validator.validate(problem, schedule).contains { $0.rule == .count && $0.message.contains("both") })
    }
}
