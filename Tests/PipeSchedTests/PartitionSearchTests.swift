import Testing
@testable import PipeSched

/// `PartitionSearch`: the partition chosen with the schedule is never worse than its seeds, the
/// explore phase ends at a local optimum, and its moves keep every layer on some stage.
@Suite struct PartitionSearchTests {
    /// A random layer stack: per-layer F, B, W and activation memory, a heavy head on the last layer
    /// (as a large vocabulary makes it), built into a problem for any partition.
    struct LayerStack {
        var layers: [PassCosts]
        var devices: Int
        var placement: Placement
        var microbatches: Int
        var cap: Double?

        init(seed: UInt64) {
            var rng = SeededGenerator(seed: seed &* 31 &+ 7)
            let count = Int.random(in: 5...9, using: &rng)
            layers = (0..<count).map { _ in
                let forward = Double(Int.random(in: 1...3, using: &rng))
                let memory = Double(Int.random(in: 1...2, using: &rng))
                return PassCosts(forward: forward, backwardInput: forward + Double(Int.random(in: 0...1, using: &rng)), backwardWeight: forward,
                                 memory: MemoryDeltas(forward: memory, backwardInput: 0, backwardWeight: -memory))
            }
            layers[count - 1].forward += Double(Int.random(in: 0...4, using: &rng))
            layers[count - 1].backwardInput += Double(Int.random(in: 0...4, using: &rng))
            placement = [Placement.sequential, .sequential, .interleaved, .v][Int(seed % 4)]
            devices = placement == .sequential ? Int.random(in: 2...4, using: &rng) : 2
            microbatches = Int.random(in: 2...6, using: &rng)
            cap = Int.random(in: 0...2, using: &rng) == 0 ? nil : Double(Int.random(in: 8...16, using: &rng))
        }

        var stageCount: Int { placement == .sequential ? devices : 2 * devices }

        func problem(_ partition: [Int]) throws -> Problem {
            var first = 0
            let stages = partition.map { count -> StageProfile in
                let sum = layers[first..<(first + count)].reduce(PassCosts(forward: 0, backwardInput: 0, backwardWeight: 0)) { total, layer in
                    PassCosts(forward: total.forward + layer.forward, backwardInput: total.backwardInput + layer.backwardInput,
                              backwardWeight: total.backwardWeight + layer.backwardWeight,
                              memory: MemoryDeltas(forward: total.memory.forward + layer.memory.forward, backwardInput: 0,
                                                   backwardWeight: total.memory.backwardWeight + layer.memory.backwardWeight))
                }
                first += count
                return StageProfile(slices: [sum], staticMemory: Double(count))
            }
            return try Problem(name: "stack", microbatches: microbatches, devices: devices, placement: placement, stages: stages,
                               communication: Communication(latency: 0.5), memoryLimit: cap.map { Array(repeating: $0, count: devices) },
                               partition: partition)
        }

        /// Equal layer counts, the remainder to the first stages.
        var even: [Int] { (0..<stageCount).map { layers.count / stageCount + ($0 < layers.count % stageCount ? 1 : 0) } }
        /// Fewer layers on the last stage (it carries the head).
        var lightLast: [Int] {
            var counts = even
            if let donor = counts.indices.first(where: { counts[$0] > 1 }), counts[stageCount - 1] > 1, donor != stageCount - 1 {
                counts[stageCount - 1] -= 1
                counts[0] += 1
            }
            return counts
        }
    }

    static func greedy(_ problem: Problem) throws(SolveError) -> Solution { try Methods.solve(problem, method: "greedy") }

    @Test(arguments: 0..<24)
    func theWinnerIsNeverWorseThanASeed(seed: UInt64) throws {
        let stack = LayerStack(seed: seed)
        guard stack.layers.count >= stack.stageCount else { return }
        let seeds = [("even", stack.even), ("light-last", stack.lightLast)]
        guard seeds.allSatisfy({ (try? stack.problem($0.1)) != nil }) else { return }
        let search = PartitionSearch(units: stack.layers.count, stages: stack.stageCount, maxEvaluations: 20, finalists: 2)
        let report = try search.run(seeds: seeds, build: stack.problem, explore: Self.greedy, final: Self.greedy)
        let best = try #require(report.best.score)
        let distinct = seeds[1].1 == seeds[0].1 ? [seeds[0]] : seeds
        #expect(report.candidates.prefix(distinct.count).map(\.origin) == distinct.map(\.0), "the seeds are solved first, once each")
        for candidate in report.candidates {
            guard let score = candidate.score else { continue }
            #expect(!score.isBetter(than: best), "seed \(seed): \(candidate.origin) \(candidate.partition) beats the winner \(report.best.partition)")
        }
        #expect(report.best.problem.partition == report.best.partition, "the problem records its partition")
        #expect(report.explored <= 20 + seeds.count)
    }

    @Test(arguments: 0..<16)
    func exploreEndsAtALocalOptimum(seed: UInt64) throws {
        let stack = LayerStack(seed: seed)
        guard stack.layers.count >= stack.stageCount, (try? stack.problem(stack.even)) != nil else { return }
        let search = PartitionSearch(units: stack.layers.count, stages: stack.stageCount, maxEvaluations: 10_000, finalists: 3)
        let report = try search.run(seeds: [("even", stack.even)], build: stack.problem, explore: Self.greedy, final: Self.greedy)
        let best = try #require(report.best.score)
        for neighbour in search.moves(from: report.best.partition, problem: report.best.problem) {
            guard let problem = try? stack.problem(neighbour), let solution = try? Self.greedy(problem) else { continue }
            let score = ScheduleScore(problem, solution.evaluation, objective: .stageSpan)
            #expect(score.value >= best.value * (1 - 1e-9), "seed \(seed): \(neighbour) beats the winner \(report.best.partition)")
        }
    }

    @Test func movesKeepEveryLayerAndStartAtTheBusiestDevice() throws {
        let partition = [1, 3, 2]
        let problem = try Problem(name: "p", microbatches: 2, devices: 3, stages: [
            StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1), StageProfile(forward: 3, backwardInput: 3, backwardWeight: 3),
            StageProfile(forward: 2, backwardInput: 2, backwardWeight: 2),
        ], partition: partition)
        let moves = PartitionSearch(units: 6, stages: 3).moves(from: partition, problem: problem)
        #expect(moves.count == 4, "stage 0 keeps its only layer; stages 1 and 2 each give to two others")
        #expect(moves.allSatisfy { $0.reduce(0, +) == 6 && $0.allSatisfy { $0 >= 1 } })
        #expect(moves.first == [2, 2, 2], "a layer leaves the busiest stage for the least busy one first")
    }

    @Test func aSeedThatIsNotAPartitionIsRefused() {
        let stack = LayerStack(seed: 1)
        let search = PartitionSearch(units: stack.layers.count, stages: stack.stageCount)
        #expect(throws: PartitionSearchError.self) {
            try search.run(seeds: [("bad", [stack.layers.count])], build: stack.problem, explore: Self.greedy, final: Self.greedy)
        }
    }
}
