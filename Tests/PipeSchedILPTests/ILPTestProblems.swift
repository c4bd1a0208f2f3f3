import PipeSched

/// Small deterministic problems for the ILP tests.
enum ILPTestProblems {
    /// Heterogeneous costs from a fixed seed (each pass 0.5–2.0 in steps of 0.25, heavier last
    /// stage), memory deltas F +2, B −1, W −1, latency 0.25; `cap` per device if given.
    static func hetero(devices p: Int, microbatches m: Int, seed: UInt64, cap: Double? = nil,
                       placement: Placement = .sequential, chunks: Int = 1, slices: Int = 1) -> Problem {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func quarter(_ low: Int, _ high: Int) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(low + Int((state >> 33) % UInt64(high - low + 1))) * 0.25
        }
        let count = p * chunks
        let stages = (0..<count).map { s -> StageProfile in
            let heavy = s == count - 1 ? 1.0 : 0
            return StageProfile(forward: quarter(2, 8) + heavy, backwardInput: quarter(2, 8) + heavy, backwardWeight: quarter(1, 6),
                                memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        }
        return try! Problem(name: "hetero-\(p)x\(m)-\(seed)", microbatches: m, devices: p, placement: placement, stages: stages,
                            communication: Communication(latency: 0.25), memoryLimit: cap.map { Array(repeating: $0, count: p) },
                            sequenceSlices: slices)
    }

    /// Unit costs (F = B = W = 1), no latency, memory F +1, B −1.
    static func unit(devices p: Int, microbatches m: Int) -> Problem {
        let stage = StageProfile(forward: 1, backwardInput: 1, backwardWeight: 1, memory: MemoryDeltas(forward: 1, backwardInput: -1, backwardWeight: 0))
        return try! Problem(name: "unit", microbatches: m, devices: p, stages: Array(repeating: stage, count: p))
    }

    /// Two devices, two microbatches, B allocates (recomputation: ΔB = +1), capped half a unit above
    /// the one-microbatch minimum: a fused BW can lower the peak, so split schedules miss some.
    static func tinyRecompute(seed: UInt64) -> Problem {
        var generator = SeededGenerator(seed: seed)
        let stage = { () -> StageProfile in
            let forward = Double(Int.random(in: 2...4, using: &generator)) * 0.5
            return StageProfile(forward: Double(Int.random(in: 1...3, using: &generator)), backwardInput: Double(Int.random(in: 1...3, using: &generator)),
                                backwardWeight: 1, memory: MemoryDeltas(forward: forward, backwardInput: 1, backwardWeight: -(forward + 1)))
        }
        let unlimited = try! Problem(name: "tiny-recompute", microbatches: 2, devices: 2, stages: [stage(), stage()])
        return try! unlimited.withMemoryLimit((0..<2).map { unlimited.minimumMemory(device: $0) + 0.5 })
    }
}
