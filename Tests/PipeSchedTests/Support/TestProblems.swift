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

    /// `problem` capped a few half-units (0–2) above each device's one-microbatch minimum, for the
    /// referees of the capped bounds; where `scaled` and it has at most two microbatches (scales make
    /// microbatches distinct, and exhaustive search larger), with microbatches of different costs.
    static func capped(_ problem: Problem, scaled: Bool, using rng: inout SeededGenerator) -> Problem {
        func draw(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        let scaled = !scaled || problem.microbatches > 2 ? problem : try! problem.with { fields in
            fields.microbatchScales = (0..<problem.microbatches).map { _ in
                MicrobatchScale(time: Double(draw(2...6)) * 0.25, memory: Double(draw(2...6)) * 0.25)
            }
        }
        let caps = (0..<problem.devices).map { scaled.minimumMemory(device: $0) + Double(draw(0...4)) * 0.5 }
        return try! scaled.withMemoryLimit(caps)
    }
}
