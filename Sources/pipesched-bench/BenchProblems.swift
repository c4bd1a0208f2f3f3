import PipeSched

/// The benchmark's problem profiles: uniform, or heterogeneous with a heavier first stage (+15%,
/// embedding) and a much heavier last stage (+60%, vocabulary head and loss).
enum BenchProblems {
    /// F = B = W = 1 (scaled per stage), latency 0.05; an activation of 1 per microbatch, half of it
    /// freed by B and the rest by W; `capMicrobatches` caps activations at that many microbatches.
    static func make(devices p: Int, microbatches m: Int, heterogeneous: Bool, capMicrobatches: Double?) -> Problem {
        let stages = (0..<p).map { s -> StageProfile in
            let scale = heterogeneous ? (s == 0 ? 1.15 : (s == p - 1 ? 1.6 : 1.0)) : 1.0
            return StageProfile(forward: scale, backwardInput: scale, backwardWeight: scale,
                                memory: MemoryDeltas(forward: 1, backwardInput: -0.5, backwardWeight: -0.5))
        }
        let caps = capMicrobatches.map { Array(repeating: $0, count: p) }
        return try! Problem(name: "\(heterogeneous ? "hetero" : "uniform")-p\(p)-m\(m)", microbatches: m, devices: p,
                            stages: stages, communication: Communication(latency: 0.05), memoryLimit: caps)
    }

    /// The same profiles on a V placement (2p stages, stage s and 2p − 1 − s on device s): each chunk
    /// costs half a sequential stage, the heterogeneous first and last chunks (on device 0) carry the
    /// embedding and the head; a chunk's activations are 0.5, freed half by B and half by W;
    /// `capChunks` caps each device at that many chunk activations (times 0.5).
    static func makeV(devices p: Int, microbatches m: Int, heterogeneous: Bool, capChunks: Double?) -> Problem {
        let stages = (0..<(2 * p)).map { s -> StageProfile in
            let scale = 0.5 * (heterogeneous ? (s == 0 ? 1.3 : (s == 2 * p - 1 ? 2.2 : 1.0)) : 1.0)
            return StageProfile(forward: scale, backwardInput: scale, backwardWeight: scale,
                                memory: MemoryDeltas(forward: 0.5, backwardInput: -0.25, backwardWeight: -0.25))
        }
        let caps = capChunks.map { Array(repeating: 0.5 * $0, count: p) }
        return try! Problem(name: "\(heterogeneous ? "hetero" : "uniform")-v-p\(p)-m\(m)", microbatches: m, devices: p, placement: .v,
                            stages: stages, communication: Communication(latency: 0.05), memoryLimit: caps)
    }
}
