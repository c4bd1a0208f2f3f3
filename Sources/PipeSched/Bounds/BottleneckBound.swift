/// The bottleneck bound: a one-machine relaxation with heads and tails (the flow-shop argument of
/// `../shared/research/bounds.md`, generalised to any placement, slices and both objectives).
///
/// Pick a device `e` and a set `J` of pass kinds on it (each pass kind of a stage and slice, run once
/// per microbatch). For stageSpan, measure from a forward `F(s, slice 0)` on the device `d` whose
/// span is bounded: in every microbatch, a pass `j` of `J` starts at least its head `r(j)` after that
/// microbatch's `F(s, 0)` starts, and some pass on `d` ends at least its tail `q(j)` after `j` ends
/// (both are longest chains of `MicrobatchChains`). The passes of `J` share device `e`, so the last of
/// them ends no sooner than `min r + Σ durations` after `d`'s first forward, and a pass on `d` ends
/// `min q` later still:
///
///     span(d) ≥ min_J r + m · Σ_J duration + min_J q
///
/// (with microbatch scales, `m · duration` is the passes' total time, `MicrobatchChains.copies`).
/// For makespan the heads count from the step's start and the tails run to the end of any pass.
/// With `J` = all of `d`'s own passes this is device work; with `J` = the passes of a heavy last
/// stage it is the flow-shop bottleneck bound (`F_s + chain + m·(F_l + B_l) + chain + B_s + W_s`).
/// `J` is chosen by thresholds on heads and tails. A fused `BW` counts as its `B` part then its `W`
/// part, each within its own head, so the bound covers schedules that fuse.
public enum BottleneckBound {
    /// The bound on `objective`.
    public static func value(_ problem: Problem, objective: Objective, chains: MicrobatchChains) -> Double {
        let copies = chains.copies
        switch objective {
        case .makespan:
            return oneMachine(chains, heads: chains.earliestStarts, tails: chains.tails { _ in true }, copies: copies,
                              devices: problem.devices)
        case .stageSpan:
            return bestOverSpanFrames(problem, chains: chains) { _, heads, tails in
                oneMachine(chains, heads: heads, tails: tails, copies: copies, devices: problem.devices)
            }
        }
    }

    /// The best of `bound` over the frames a device's span is measured in: for every device `d` and
    /// each of its reference forwards `F(s, 0)`, the heads from that forward (`startsAfter`) and the
    /// tails to any pass on `d`. Every stage-span bound with heads and tails reads its frames here.
    static func bestOverSpanFrames(_ problem: Problem, chains: MicrobatchChains,
                                   _ bound: (_ device: Int, _ heads: [Double], _ tails: [Double]) -> Double) -> Double {
        var best = 0.0
        for device in 0..<problem.devices {
            let tails = chains.tails { chains.device[$0] == device }
            for stage in referenceStages(problem.deviceStages[device]) {
                let heads = chains.startsAfter(chains.position(.forward, stage: stage, slice: 0))
                best = max(best, bound(device, heads, tails))
            }
        }
        return best
    }

    /// The stages of a device whose first forward serves as the reference: all of them, or a spread
    /// of at most 4 on devices that hold many (the bound stays valid for any choice).
    private static func referenceStages(_ stages: [Int]) -> [Int] {
        guard stages.count > 4 else { return stages }
        return (0..<4).map { stages[$0 * (stages.count - 1) / 3] }
    }

    /// The best `min r + copies · Σ duration + min q` over devices and head/tail thresholds, over the
    /// passes with a head and a tail.
    static func oneMachine(_ chains: MicrobatchChains, heads: [Double], tails: [Double], copies: Double, devices: Int) -> Double {
        var byDevice = Array(repeating: [(head: Double, tail: Double, work: Double)](), count: devices)
        for id in chains.passes.indices where heads[id] > -.infinity && tails[id] > -.infinity && chains.duration[id] > 0 {
            byDevice[chains.device[id]].append((heads[id], tails[id], copies * chains.duration[id]))
        }
        var best = 0.0
        for var jobs in byDevice where !jobs.isEmpty {
            jobs.sort { $0.head > $1.head }
            var thresholds = Array(Set(jobs.map(\.tail))).sorted()
            if thresholds.count > 32 { thresholds = (0..<32).map { thresholds[$0 * (thresholds.count - 1) / 31] } }
            for tail in thresholds {
                // Jobs by falling head: each head value closes the set of jobs whose head is at least it.
                // The set is the jobs seen so far whose tail reaches the threshold; it must not be empty.
                var work = 0.0
                var included = false
                for (k, job) in jobs.enumerated() {
                    if job.tail >= tail {
                        work += job.work
                        included = true
                    }
                    if included, k + 1 == jobs.count || jobs[k + 1].head < job.head { best = max(best, job.head + work + tail) }
                }
            }
        }
        return best
    }
}
