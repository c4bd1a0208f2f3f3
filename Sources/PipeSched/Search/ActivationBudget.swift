/// Tighter memory caps as a search knob: a schedule that holds fewer microbatches' activations on
/// some devices than the cap allows can be shorter, and a scheduler that fills every device up to
/// its cap does not find it.
///
/// Zero Bubble's automatic scheduler takes its memory limit as a parameter (Qi et al., ICLR 2024: its
/// heuristic under a memory limit; ZB-1p and ZB-2p are its schedules at 1p and 2p, the budgets of
/// the hand-made ZB-H1 and ZB-H2). Measured on the peer benchmark
/// (docs/benchmarks.md): the greedy on Llama 3 8B on a V (p = 8, m = 24) capped at the H100's
/// 80 GB gives 3,830.91 ms, and the same greedy with every device capped at 1.5p microbatches'
/// activations 3,817.79, the problem's lower bound; the middle devices then admit fewer
/// microbatches and the ends' backwards come back sooner. `auto` runs each method that schedules
/// under the caps it is given (`SchedulingMethod.adaptsToMemoryCaps`) under these budgets too, and
/// scores each schedule on the problem itself: caps only ever lowered, so it is valid there.
public enum ActivationBudget {
    /// A budget: the problem capped at `factor` × p microbatches' activations per device
    /// (`Problem.activationCaps(factor:)`), never above its own caps.
    public struct Candidate: Sendable {
        public let factor: Double
        public let problem: Problem

        /// How `auto`'s table names the method's run under this budget.
        public var name: String { "\(factor.readable)p activations" }
    }

    /// The factors tried: 1F1B's budget (1p), the middle one that won above (1.5p) and ZB-H2's (2p).
    public static let factors: [Double] = [1, 1.5, 2]

    /// The budgets that lower some device's cap below the problem's, each kept only where its caps
    /// differ from those of the budgets before it; none where every device holds one stage. There a
    /// budget beat the greedy at the problem's own caps on 1 of 120 random 4-device problems with
    /// loose caps (by 1%), against 7 of 120 V and interleaved ones (by up to 3.3%), and at p = 64,
    /// m = 512 the two budgets under a 2p cap took `auto` from 1.3 to 2.2 CPU seconds.
    public static func alternatives(_ problem: Problem) -> [Candidate] {
        guard problem.devicesHoldSeveralStages else { return [] }
        let own = (0..<problem.devices).map { problem.cap(device: $0) }
        var seen = [own]
        var candidates: [Candidate] = []
        for factor in factors {
            let caps = problem.activationCaps(factor: factor)
            guard !seen.contains(where: { Self.same($0, caps) }),
                  let capped = try? problem.withActivationCaps(factor: factor, limits: .unlimited) else { continue }
            seen.append(caps)
            candidates.append(Candidate(factor: factor, problem: capped))
        }
        return candidates
    }

    /// Whether two sets of caps are the same within the memory check's tolerance.
    private static func same(_ a: [Double], _ b: [Double]) -> Bool {
        zip(a, b).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-9 * max(1, abs($0)) }
    }
}
