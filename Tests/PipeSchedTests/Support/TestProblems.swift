@testable import PipeSched

/// Problems the tests share: unit-cost textbook cases and random heterogeneous ones.
enum TestProblems {
    /// F = B = W = 1, no communication; memory counts activations held from F until B.
    static func unit(devices p: Int, microbatches m: Int, placement: Placement = .sequential,
                     chunks: Int = 1, memoryLimit: Double? = nil,
                     memory: MemoryDeltas = MemoryDeltas(forward: 1, backwardInput: -1, backwardWeight: 0)) -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: memory)
        return try! Problem(name: "unit", microbatches: m, devices: p, placement: placement,
                            stages: Array(repeating: stage, count: p * chunks),
                            memoryLimit: memoryLimit.map { Array(repeating: $0, count: p) })
    }

    /// Heterogeneous costs (each pass 0.5–2.0, heavier first and last stage), memory deltas that sum
    /// to zero, and communication latency up to 0.3.
    static func random(devices p: Int, microbatches m: Int, placement: Placement = .sequential, chunks: Int = 1,
                       seed: UInt64) -> Problem {
        var rng = SeededGenerator(seed: seed)
        let count = p * chunks
        let stages = (0..<count).map { s -> StageProfile in
            let scale = s == 0 ? 1.15 : (s == count - 1 ? 1.6 : 1.0)
            let f = Double.random(in: 0.5...2.0, using: &rng) * scale
            let b = Double.random(in: 0.5...2.0, using: &rng) * scale
            let w = Double.random(in: 0.3...1.5, using: &rng) * scale
            let activations = Double.random(in: 1...3, using: &rng)
            let freedByB = activations * Double.random(in: 0.3...0.9, using: &rng)
            return StageProfile(forward: f, backwardInput: b, backwardWeight: w,
                                memory: MemoryDeltas(forward: activations, backwardInput: -freedByB, backwardWeight: freedByB - activations),
                                staticMemory: Double.random(in: 0...2, using: &rng))
        }
        let latency = Double.random(in: 0...0.3, using: &rng)
        return try! Problem(name: "random-\(seed)", microbatches: m, devices: p, placement: placement,
                            stages: stages, communication: Communication(latency: latency))
    }
}
