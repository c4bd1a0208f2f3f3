@testable import PipeSched

extension TestProblems {
    /// Random heterogeneous costs that differ per slice (later slices dearer, as causal attention
    /// makes them), per-slice memory deltas that sum to zero, and communication latency up to 0.3.
    static func randomSliced(devices p: Int, microbatches m: Int, slices k: Int, placement: Placement = .sequential,
                             chunks: Int = 1, seed: UInt64) -> Problem {
        var draws = 0
        // A SplitMix64 step per draw: reproducible without a shared generator type.
        func uniform(_ range: ClosedRange<Double>) -> Double {
            draws += 1
            var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(draws) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return range.lowerBound + (range.upperBound - range.lowerBound) * Double(z >> 11) / Double(1 << 53)
        }
        let stages = (0..<(p * chunks)).map { _ -> StageProfile in
            let costs = (0..<k).map { j -> PassCosts in
                let growth = 1 + 0.3 * Double(j)
                let activations = uniform(0.5...1.5)
                let freedByB = activations * uniform(0.3...0.9)
                return PassCosts(forward: uniform(0.3...1.0) * growth, backwardInput: uniform(0.3...1.0) * growth,
                                 backwardWeight: uniform(0.2...0.8),
                                 memory: MemoryDeltas(forward: activations, backwardInput: -freedByB, backwardWeight: freedByB - activations))
            }
            return StageProfile(slices: costs, staticMemory: uniform(0...2))
        }
        return try! Problem(name: "sliced-\(seed)", microbatches: m, devices: p, placement: placement, stages: stages,
                            communication: Communication(latency: uniform(0...0.3)), sequenceSlices: k)
    }
}
