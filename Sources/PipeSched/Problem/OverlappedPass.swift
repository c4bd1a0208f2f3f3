/// The overlapped F&B pass: a forward of one stage and a backward (`B` or `BW`) of another stage on
/// the same device run as one pass, each hiding the other's communication under its own compute.
///
/// DeepSeek-V3's DualPipe (DeepSeek-AI, arXiv 2412.19437, §3.2.1) pairs a forward chunk with a
/// backward chunk so that the all-to-all dispatch and combine of mixture-of-experts layers in one
/// run while the other computes; PyTorch's `ScheduleDualPipeV` writes such a pair as one
/// `OVERLAP_F_B` action. A stage says how much of each pass is communication the pairing can hide
/// (`OverlapCost`); a pair then lasts
///
///     max(F − f + X − x, f + x)
///
/// for a forward `F` with hideable part `f` and a backward `X` (`B` or `BW`) with hideable part `x`:
/// compute and communication proceed on separate resources, and the pair ends when the slower of the
/// two is done. It never exceeds `F + X` (the two passes one after the other) and never falls below
/// `F − f + X − x`, which is what `overlapRelaxation` charges each pass for the lower bounds.
///
/// The pair starts when both passes' inputs are there (PyTorch's `_add_send_recv` requires every
/// sub-action ready), both end together, and memory moves as the forward then the backward would:
/// the forward's allocation is counted before the backward frees anything.
public struct OverlapCost: Sendable, Hashable, Codable {
    /// Part of the forward's duration that an overlapped pair can hide (its communication).
    public var forward: Double
    /// Part of the input-gradient pass's duration (`B`, and so of `BW`) that a pair can hide.
    public var backward: Double

    public init(forward: Double, backward: Double) {
        self.forward = forward
        self.backward = backward
    }
}

extension Problem {
    /// What a stage's slice lets an overlapped pair hide, `nil` when it declares nothing (a pair then
    /// lasts exactly as long as its two passes in a row).
    @inline(__always)
    public func overlapCost(stage: Int, slice: Int) -> OverlapCost? { stages[stage].costs(slice: slice).overlap }

    /// Whether `first` then `second` may run as one overlapped pass: a forward and an input-gradient
    /// pass (`B` or `BW`) of different stages. (That they share a device and do not depend on each
    /// other is the schedule's business: the validator and the simulator check it.)
    public static func canOverlap(_ first: Op, _ second: Op) -> Bool {
        first.kind == .forward && second.kind.producesInputGradient && first.stage != second.stage
    }

    /// Duration of the overlapped pass of a forward and a backward (`canOverlap`).
    public func overlappedDuration(_ forward: Op, _ backward: Op) -> Double {
        let f = duration(forward), x = duration(backward)
        let hiddenF = (overlapCost(stage: forward.stage, slice: forward.slice)?.forward ?? 0) * scale(microbatch: forward.microbatch).time
        let hiddenX = (overlapCost(stage: backward.stage, slice: backward.slice)?.backward ?? 0) * scale(microbatch: backward.microbatch).time
        return max(f - hiddenF + x - hiddenX, hiddenF + hiddenX)
    }

    /// The problem whose every forward and input-gradient pass lasts only its part that no pairing
    /// hides: any schedule of `self`, pairs included, keeps every pass on its device at least that
    /// long and apart from the others, so its lower bounds are lower bounds of `self` (`LowerBound`).
    /// `self` when no stage declares hideable time.
    public var overlapRelaxation: Problem {
        guard hasOverlap else { return self }
        let relaxed = stages.map { stage in
            StageProfile(slices: stage.slices.map { costs in
                guard let overlap = costs.overlap else { return costs }
                var relaxed = costs
                // Never below 0: a hideable part may exceed its pass by the checks' rounding tolerance.
                relaxed.forward = max(0, relaxed.forward - overlap.forward)
                relaxed.backwardInput = max(0, relaxed.backwardInput - overlap.backward)
                relaxed.overlap = nil  // recomputation is compute only: `recompute` stays
                return relaxed
            }, staticMemory: stage.staticMemory)
        }
        // Same fields, shorter passes, and `checkOverlap` made sure each stage keeps some compute:
        // it cannot fail where `self` was accepted.
        return (try? with(limits: .unlimited) { $0.stages = relaxed }) ?? self
    }

    /// Checks a stage's hideable times: finite, ≥ 0, no more than the pass they hide in, and leaving
    /// the stage some compute (a stage that is all communication has nothing to overlap it with).
    static func checkOverlap(_ stage: StageProfile, at index: Int) throws(ProblemError) {
        let many = stage.slices.count > 1
        for (slice, costs) in stage.slices.enumerated() {
            guard let overlap = costs.overlap else { continue }
            let at = many ? "[\(slice)]" : ""
            for (key, value, within, pass) in [("forward", overlap.forward, costs.forward, "forward"),
                                               ("backward", overlap.backward, costs.backwardInput, "backwardInput")] {
                guard value.isFinite, value >= 0, value <= within + 1e-12 else {
                    throw ProblemError(field: "stages[\(index)].overlap.\(key)\(at)",
                                       message: "is \(value); it must be between 0 and the \(pass) duration (\(within.readable))",
                                       fix: "give the part of the \(pass) pass that is communication an overlapped F&B pair can hide (0 when none)")
                }
            }
        }
        let compute = stage.slices.reduce(0.0) { $0 + $1.work - ($1.overlap.map { $0.forward + $0.backward } ?? 0) }
        if stage.slices.contains(where: { $0.overlap != nil }), compute <= 0 {
            throw ProblemError(field: "stages[\(index)].overlap", message: "declares every pass of the stage hideable communication",
                               fix: "give only the communication part of forward and backwardInput; the rest is compute")
        }
    }
}

extension Schedule {
    /// What is wrong with the shape of the overlapped pairs, at most one message per pair: each pair
    /// a forward followed by a `B` or `BW` of another stage (`Problem.canOverlap`), inside its order,
    /// not chained with the next, on a device the schedule has. The simulator refuses a schedule
    /// with any; the validator reports them all.
    public var overlapShapeIssues: [String] {
        guard hasOverlaps else { return [] }
        var issues: [String] = []
        for (device, order) in orders.enumerated() where device < overlaps.count {
            for k in overlaps[device].sorted() {
                if k < 0 || k + 1 >= order.count {
                    issues.append("device \(device) pairs position \(k) with the pass after it, but its order has \(order.count) passes")
                } else if !Problem.canOverlap(order[k], order[k + 1]) {
                    issues.append("device \(device) overlaps \(order[k]) with \(order[k + 1]); an overlapped pair is a forward followed by a B or BW of another stage")
                } else if overlapsNext(device: device, position: k + 1) {
                    issues.append("device \(device) chains overlapped pairs at \(order[k + 1]); a pass belongs to at most one pair")
                }
            }
        }
        if overlaps.count > orders.count {
            issues.append("the schedule marks overlapped pairs on \(overlaps.count) devices but has \(orders.count) device rows")
        }
        return issues
    }
}
