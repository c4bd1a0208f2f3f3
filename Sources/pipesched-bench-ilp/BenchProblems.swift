import PipeSched

/// The benchmark problems: the uniform and heterogeneous profiles of the ILP feasibility study
/// (`shared/research/ilp-feasibility.md` §4), with latency 1 and memory deltas F +2, B −1, W −1.
enum BenchProblems {
    enum Profile: String, CaseIterable {
        case uniform, hetero
    }

    /// `devices` stages, one per device. hetero: F = 3 + s mod 2, B = 4 + 2s mod 3, W = 2 + [s mod 3 = 1],
    /// the last stage +2 on F and B. `capped`: every device capped at 2·devices (room for `devices`
    /// microbatches in flight: 1F1B's depth); `cap` overrides the cap.
    /// `v`: V placement, 2·devices stages (the formulas over all of them), device d holding stages d and 2p − 1 − d.
    static func make(_ profile: Profile, devices p: Int, microbatches m: Int, capped: Bool, cap: Double? = nil, v: Bool = false) -> Problem {
        let count = v ? 2 * p : p
        let stages = (0..<count).map { s -> StageProfile in
            var f = 3.0, b = 4.0, w = 2.0
            if profile == .hetero {
                f = Double(3 + s % 2)
                b = Double(4 + (2 * s) % 3)
                w = Double(2 + (s % 3 == 1 ? 1 : 0))
                if s == count - 1 { f += 2; b += 2 }
            }
            return StageProfile(forward: f, backwardInput: b, backwardWeight: w,
                                memory: MemoryDeltas(forward: 2, backwardInput: -1, backwardWeight: -1))
        }
        let limit = cap ?? (capped ? Double(2 * p) : nil)
        let name = "\(profile.rawValue)\(v ? "-v" : "")-p\(p)-m\(m)" + (limit.map { "-cap\($0.readable)" } ?? "")
        return try! Problem(name: name, microbatches: m, devices: p, placement: v ? .v : .sequential, stages: stages, communication: Communication(latency: 1),
                            memoryLimit: limit.map { Array(repeating: $0, count: p) })
    }
}
