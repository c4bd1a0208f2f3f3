import Testing
@testable import PipeSched

/// The port of Zero Bubble's V greedy produces exactly the original's orders (reference outputs of
/// `zbv.py` run in CPython), fails where the original fails, and its schedules are valid.
@Suite struct ZBVGreedyTests {
    func problem(_ reference: ZBVReference.Case) throws -> Problem {
        let stage = StageProfile(forward: reference.forward, backwardInput: reference.backwardInput, backwardWeight: reference.backwardWeight,
                                 memory: MemoryDeltas(forward: reference.memory.forward, backwardInput: reference.memory.backwardInput,
                                                      backwardWeight: reference.memory.backwardWeight))
        return try Problem(name: "zbv-reference", microbatches: reference.microbatches, devices: reference.devices, placement: .v,
                           stages: Array(repeating: stage, count: 2 * reference.devices), communication: Communication(latency: reference.latency),
                           memoryLimit: reference.maxMemory.map { Array(repeating: $0, count: reference.devices) })
    }

    @Test(arguments: ZBVReference.cases.indices)
    func matchesTheOriginal(index: Int) throws {
        let reference = ZBVReference.cases[index]
        let problem = try problem(reference)
        let schedule = ZBVGreedy.schedule(problem)
        guard let expected = reference.orders else {
            #expect(schedule == nil, "the original fails on case \(index)")
            return
        }
        let orders = try #require(schedule).orders
        let p = reference.devices
        for (device, row) in orders.enumerated() {
            let text = row.map { op -> String in
                let cat = op.kind == .forward ? 0 : (op.kind == .backwardInput ? 1 : 2)
                let chunk = (op.stage == device) == (cat == 0) ? 0 : 1  // backward chunks count from the loss
                return "\(cat)\(chunk)\(op.microbatch)"
            }.joined(separator: " ")
            #expect(text == expected[device], "case \(index), device \(device) of \(p)")
        }
        let solution = try Methods.solve(problem, method: "zbv-greedy")
        #expect(solution.evaluation.isValid)
    }

    /// With microbatches that differ, the port counts each microbatch's own memory: on stages alike
    /// (so its one memory figure per pass kind is exact) its orders keep every device within the cap.
    @Test(arguments: Array(UInt64(0)..<12))
    func eachMicrobatchsOwnMemoryIsCounted(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let scales = (0..<12).map { _ in
            MicrobatchScale(time: Double.random(in: 0.5...2, using: &generator), memory: Double.random(in: 0.5...2, using: &generator))
        }
        let memory = MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1)
        let problem = try TestProblems.unit(devices: 4, microbatches: 12, placement: .v, chunks: 2, memory: memory)
            .with { $0.microbatchScales = scales; $0.memoryLimit = Array(repeating: 40, count: 4) }
        let schedule = try #require(ZBVGreedy.schedule(problem))
        #expect(Validator.validate(problem, schedule).isEmpty)
    }

    @Test func onlyVPlacementsFit() {
        let method = Methods.named("zbv-greedy")!
        #expect(!method.fits(TestProblems.unit(devices: 4, microbatches: 8)))
        #expect(method.fits(TestProblems.unit(devices: 4, microbatches: 8, placement: .v, chunks: 2)))
    }
}
