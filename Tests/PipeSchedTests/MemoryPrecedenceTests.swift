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
        let chunks = TestProblems.random(devices: 1, microbatches: 4, placement: seed % 2 == 0 ? .v : .interleaved, chunks: 2, seed: seed)
        let both = chunks.stages.reduce(0) { $0 + $1.costs(slice: 0).memory.forward }
        return try! chunks.withMemoryLimit([chunks.staticMemory(device: 0) + Double(1 + seed % 3) * both + 1e-9])
    }

    @Test(arguments: problems.indices)
    func everyOrderWithinTheCapRespectsThePairs(index: Int) {
        let problem = Self.problems[index]
        let pairs = MemoryPrecedence.pairs(problem)
        guard !pairs.isEmpty else { return }
        let options = ExhaustiveSearch.Options(fusedBackward: false, microbatchOrder: true, maximumSchedules: 50_000)
        for device in 0..<problem.devices {
            for order in ExhaustiveSearch.deviceOrders(problem, device: device, options: options) {
                let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
                for pair in pairs where problem.stageDevice[pair.before.stage] == device {
                    let before = position[pair.before], after = position[pair.after]
                    #expect(before != nil && after != nil && before! < after!,
                            "\(pair.before) after \(pair.after) in a valid order of \(problem.name)")
                }
            }
        }
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
