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
}
