import Testing
@testable import PipeSched

/// `MemoryPrecedence` against exhaustive enumeration: every device order within the cap (split
/// passes, same-kind microbatch order) runs each implied `before` ahead of its `after`, and the
/// pairs do appear where the cap binds.
@Suite struct MemoryPrecedenceTests {
    /// Tiny problems of every shape, plus one-device problems with more microbatches, where the cap
    /// admits few in flight.
    static let problems: [Problem] = (0..<40).map { TinyProblems.random(seed: $0) } + (0..<12).map { (seed: UInt64) in
        let unit = TestProblems.random(devices: 1, microbatches: 5, seed: seed)
        let room = Double(1 + seed % 4) * unit.stages[0].costs(slice: 0).memory.forward
        return try! unit.withMemoryLimit([unit.staticMemory(device: 0) + room + 1e-9])
    } + (0..<8).map { (seed: UInt64) in
        // Two chunks on one device (V and interleaved): the first chunk's activations are held around the second's.
        let chunks = TestProblems.random(devices: 1, microbatches: 3, placement: seed % 2 == 0 ? .v : .interleaved, chunks: 2, seed: seed)
        let both = chunks.stages.reduce(0) { $0 + $1.costs(slice: 0).memory.forward }
        return try! chunks.withMemoryLimit([chunks.staticMemory(device: 0) + Double(1 + seed % 3) * both + 1e-9])
    }

    /// Every valid device order, enumerated once, runs each pair's `before` ahead of its `after` and
    /// each choice's passes of some option ahead of its forward.
    @Test(arguments: problems.indices)
    func everyOrderWithinTheCapRespectsThePairsAndTheChoices(index: Int) {
        let problem = Self.problems[index]
        let pairs = MemoryPrecedence.pairs(problem), choices = MemoryPrecedence.choices(problem)
        guard !pairs.isEmpty || !choices.isEmpty else { return }
        let options = ExhaustiveSearch.Options(fusedBackward: false, microbatchOrder: true, maximumSchedules: 50_000)
        for device in 0..<problem.devices {
            for order in ExhaustiveSearch.deviceOrders(problem, device: device, options: options) {
                let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
                for pair in pairs where problem.stageDevice[pair.before.stage] == device {
                    let before = position[pair.before], after = position[pair.after]
                    #expect(before != nil && after != nil && before! < after!,
                            "\(pair.before) after \(pair.after) in a valid order of \(problem.name)")
                }
                for choice in choices where problem.stageDevice[choice.after.stage] == device {
                    let after = position[choice.after]!
                    #expect(choice.options.contains { $0.allSatisfy { position[$0]! < after } },
                            "no option of \(choice) before it in a valid order of \(problem.name)")
                }
            }
        }
    }

    @Test func aForwardWaitsForTheWeightsOrOneMoreBackward() throws {
        // F +2, B −1, W −1, room 4: F(0, 2) starts once B(0, 0) and W(0, 0) ran (2 + 1 + 2 − 1 ≤ 4:
        // microbatch 1 holds 2, the new one 2) or once B(0, 1) ran (1 + 1 + 2). The pairs keep only
        // what both ask: B(0, 0).
        let unit = TestProblems.unit(devices: 1, microbatches: 5, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        let problem = try unit.withMemoryLimit([unit.staticMemory(device: 0) + 4])
        let choices = MemoryPrecedence.choices(problem)
        #expect(choices.contains(.init(after: .forward(0, 2), options: [[.backwardInput(0, 0), .backwardWeight(0, 0)], [.backwardInput(0, 1)]])))
        #expect(choices.contains(.init(after: .forward(0, 3), options: [[.backwardInput(0, 1), .backwardWeight(0, 1)], [.backwardInput(0, 2), .backwardWeight(0, 0)]])))
        // Without a cell held between B and W (B frees it all) the pairs say everything.
        let freeing = try TestProblems.unit(devices: 1, microbatches: 5, memory: MemoryDeltas(forward: 2, backwardInput: -2, backwardWeight: 0))
            .withMemoryLimit([4])
        #expect(MemoryPrecedence.choices(freeing).isEmpty)
    }

    @Test func aCapForTwoInFlightGivesTheOneFOneBDepth() throws {
        let unit = TestProblems.unit(devices: 1, microbatches: 4)
        let forward = unit.stages[0].costs(slice: 0).memory.forward
        let problem = try unit.withMemoryLimit([unit.staticMemory(device: 0) + 2 * forward])
        let pairs = MemoryPrecedence.pairs(problem)
        #expect(pairs.contains(.init(before: .backwardInput(0, 0), after: .forward(0, 2))))
        #expect(pairs.contains(.init(before: .backwardInput(0, 1), after: .forward(0, 3))))
        #expect(MemoryPrecedence.pairs(try unit.withMemoryLimit(nil)).isEmpty)
    }

    @Test func theWeightCountLeavesRoomForTheForwardItAdmits() throws {
        // A forward allocates 2, its B frees 1, its W the other 1; room 4. When F(0, x) starts after
        // i of the B passes and w of the W passes, 2 · (x − i + 1) + (i − w) ≤ 4: with every earlier
        // B done (i = x) that asks w ≥ x − 2, so W(0, b) comes before F(0, b + 3). Room over what a
        // cell holds before its W alone would allow four: F(0, b + 4).
        let unit = TestProblems.unit(devices: 1, microbatches: 5, memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        let problem = try unit.withMemoryLimit([unit.staticMemory(device: 0) + 4])
        let pairs = MemoryPrecedence.pairs(problem)
        #expect(pairs.contains(.init(before: .backwardWeight(0, 0), after: .forward(0, 3))))
        #expect(pairs.contains(.init(before: .backwardWeight(0, 1), after: .forward(0, 4))))
        #expect(pairs.contains(.init(before: .backwardInput(0, 0), after: .forward(0, 2))))
        // The order B0 W0 F2 ... is within the cap: one pass less held back would break it.
        #expect(!pairs.contains(.init(before: .backwardWeight(0, 1), after: .forward(0, 3))))
    }

    @Test func aVChunkCountsTheChunkAroundIt() throws {
        let unit = TestProblems.unit(devices: 1, microbatches: 4, placement: .v, chunks: 2)
        let problem = try unit.withMemoryLimit([unit.staticMemory(device: 0) + 4])
        let pairs = MemoryPrecedence.pairs(problem)
        // Stage 1 (the V's second chunk) holds its own and stage 0's activations: two in flight.
        #expect(pairs.contains(.init(before: .backwardInput(1, 0), after: .forward(1, 2))))
        // Stage 0 alone: four in flight, so no pair within four microbatches.
        #expect(!pairs.contains { $0.before.stage == 0 && $0.before.kind == .backwardInput })
    }
}

/// `InFlightBound` against exhaustive search where the cap holds few microbatches in flight: never
/// above the optimum (fused and split schedules, any microbatch order), and above the other bounds
/// on the textbook case.
@Suite struct InFlightBoundTests {
    /// Capped problems with more microbatches than in flight, small enough to enumerate.
    static let problems: [Problem] = (0..<16).map { (seed: UInt64) in
        let shapes: [(devices: Int, microbatches: Int, placement: Placement, chunks: Int)] = [
            (1, 5, .sequential, 1), (2, 2, .sequential, 1), (1, 2, .v, 2), (1, 2, .interleaved, 2),
        ]
        let shape = shapes[Int(seed % 4)]
        var random = TestProblems.random(devices: shape.devices, microbatches: shape.microbatches, placement: shape.placement,
                                         chunks: shape.chunks, seed: seed)
        if seed % 8 >= 4 {
            // B allocates (recomputation): fused BW may lower the peak, so only B pairs count.
            random = try! random.with { fields in
                fields.stages = fields.stages.map { stage in
                    var costs = stage.costs(slice: 0)
                    costs.memory = MemoryDeltas(forward: costs.memory.forward, backwardInput: 0.5, backwardWeight: -costs.memory.forward - 0.5)
                    return StageProfile(slices: [costs], staticMemory: stage.staticMemory)
                }
            }
        }
        let caps = (0..<random.devices).map { random.minimumMemory(device: $0) + Double(seed % 3) * 0.7 }
        return try! random.withMemoryLimit(caps)
    }

    @Test(arguments: problems.indices)
    func neverAboveTheOptimum(index: Int) throws {
        let problem = Self.problems[index]
        for objective in Objective.allCases {
            guard let reference = ExhaustiveSearch.solve(problem, objective: objective, options: .init(maximumSchedules: 50_000)) else { continue }
            let bound = LowerBound.parts(problem, objective: objective).inFlight
            #expect(bound <= reference.optimum + 1e-9, "\(objective) in-flight bound \(bound) > optimum \(reference.optimum) on \(problem.name)")
        }
    }

    /// Room for two microbatches on device 0 (F +2, B −1, W −1) and long `W` passes: a forward
    /// there may start once two `B` passes ran and no `W` (0 + 1 + 1 + 2 ≤ 4), sooner than once one
    /// `B` and its `W` ran. The chains take the sooner option of each choice (26); with only the
    /// first option they would give 27 (still below the optimum, 34 by exhaustive search: long `W`
    /// passes make the devices' work bind).
    @Test func aForwardTakesTheSoonerWayToItsRoom() throws {
        let stages = [(1.0, 2.0, 5.0), (1.0, 1.0, 3.0)].map { forward, backward, weight in
            StageProfile(forward: forward, backwardInput: backward, backwardWeight: weight,
                         memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        }
        let problem = try Problem(microbatches: 4, devices: 2, stages: stages, communication: Communication(latency: 0.5), memoryLimit: [4, 6])
        for objective in Objective.allCases {
            #expect(LowerBound.parts(problem, objective: objective).inFlight == 26, "\(objective)")
        }
    }

    @Test func twoInFlightOnFourStagesBeatsTheOtherBounds() throws {
        // Room for two microbatches per stage: stage 0 starts microbatch i + 2 only once microbatch
        // i's B there has ended (8 units after F(0, i) starts: F on 4 stages, B on 3, then its own
        // B), so F(0, 7) ≥ F(0, 1) + 24 ≥ 25, its last B starts at ≥ 32 and its last W ends at ≥ 34;
        // device work is 24 and Little's law gives 8 · 7 / 2 = 28. The optimum is 35 (CBC proves it).
        let problem = TestProblems.unit(devices: 4, microbatches: 8, memoryLimit: 2)
        let parts = LowerBound.parts(problem, objective: .stageSpan)
        #expect(parts.inFlight == 34, "\(parts)")
        #expect(parts.inFlight > max(parts.startup, parts.memory, parts.bottleneck), "\(parts)")
    }
}
