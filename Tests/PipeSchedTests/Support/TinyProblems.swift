@testable import PipeSched

/// Random tiny problems that exhaustive search can solve: every shape the tool handles (sequential,
/// interleaved and V placements, sequence slices), integer-ish costs with zeros, link latency,
/// static memory, backward passes that allocate (ΔB > 0, as with recomputation) or free more than
/// the forward allocated (ΔW > 0), and caps from the one-microbatch minimum up to none.
enum TinyProblems {
    /// A problem for `seed`; the shape cycles with the seed so every shape is covered.
    static func random(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed &* 7919 &+ 17)
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        let shapes: [(devices: Int, microbatches: Int, placement: Placement, chunks: Int, slices: Int)] = [
            (2, 2, .sequential, 1, 1), (3, 1, .sequential, 1, 1), (1, 3, .sequential, 1, 1), (2, 1, .v, 2, 1),
            (1, 2, .interleaved, 2, 1), (2, 1, .sequential, 1, 2), (2, 2, .sequential, 1, 1), (2, 1, .interleaved, 2, 1),
        ]
        let shape = shapes[Int(seed % UInt64(shapes.count))]
        let stages = (0..<(shape.devices * shape.chunks)).map { _ -> StageProfile in
            let slices = (0..<(draw(0...1) == 0 ? 1 : shape.slices)).map { _ -> PassCosts in
                let forward = Double(draw(1...3))
                let backward = Double(draw(-4...3)) * 0.5
                return PassCosts(forward: Double(draw(0...3)), backwardInput: Double(draw(0...3)), backwardWeight: Double(draw(0...2)),
                                 memory: MemoryDeltas(forward: forward, backwardInput: backward, backwardWeight: -(forward + backward)))
            }.map { costs -> PassCosts in
                var costs = costs
                if costs.work == 0 { costs.forward = 1 }
                return costs
            }
            return StageProfile(slices: slices, staticMemory: Double(draw(0...1)))
        }
        let latency = [0, 0.5, 1][draw(0...2)]
        let unlimited = try! Problem(name: "tiny-\(seed)", microbatches: shape.microbatches, devices: shape.devices, placement: shape.placement,
                                     stages: stages, communication: Communication(latency: latency), sequenceSlices: shape.slices)
        guard draw(0...3) > 0 else { return unlimited }
        // A cap between the one-microbatch minimum and that plus two activations.
        let caps = (0..<shape.devices).map { unlimited.minimumMemory(device: $0) + Double(draw(0...4)) * 0.5 }
        return try! unlimited.withMemoryLimit(caps)
    }
}
