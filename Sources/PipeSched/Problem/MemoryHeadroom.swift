/// A safety margin under every memory cap (`solve --memory-headroom PCT`).
///
/// A schedule that peaks at 79.7 of 80 GiB is valid, and risky on a real GPU: the allocator's
/// fragmentation, communication buffers and the CUDA context are not in the cost model. With a
/// headroom of `percent`, the search runs under caps lowered to `cap × (1 − percent / 100)`, so every
/// device stays that far below its real cap; the schedule is then measured against the real caps
/// (`Solution.remeasured(on:headroom:)`), so its bound and gap are the real problem's, and the
/// schedule file records the margin (`memoryHeadroom`).
public struct MemoryHeadroom: Sendable, Equatable {
    /// The margin, as a percentage of each cap, in [0, 100).
    public let percent: Double

    /// - Throws: `ProblemError` naming `field` when `percent` is not in [0, 100).
    public init(percent: Double, field: String = "--memory-headroom") throws(ProblemError) {
        guard percent >= 0, percent < 100 else {
            throw ProblemError(field: field, message: "is \(percent.readable)", fix: "give a percentage of each cap in [0, 100), e.g. 5")
        }
        self.percent = percent
    }

    /// `problem` with every finite cap lowered by the margin.
    /// - Throws: `ProblemError` naming `field` when a lowered cap falls below the memory one
    ///   microbatch needs on its device (`Problem.minimumMemory`), with the largest margin that fits.
    public func apply(to problem: Problem, field: String = "--memory-headroom") throws(ProblemError) -> Problem {
        guard percent > 0, let caps = problem.memoryLimit else { return problem }
        let lowered = caps.map { $0 * (1 - percent / 100) }
        for device in 0..<problem.devices where lowered[device] < problem.minimumMemory(device: device) {
            let largest = caps.indices.map { 100 * (1 - problem.minimumMemory(device: $0) / caps[$0]) }.min() ?? 0
            throw ProblemError(field: field,
                               message: "\(percent.readable)% lowers device \(device)'s cap to \(lowered[device].readable), below the \(problem.minimumMemory(device: device).readable) one microbatch needs there",
                               fix: "give at most \(max(0, largest).readable)%")
        }
        return try problem.withMemoryLimit(lowered)
    }
}

extension Solution {
    /// This solution's schedule, found under `headroom.apply(to: problem)`'s caps, measured on
    /// `problem` (the same passes, the real caps), with the margin recorded (`memoryHeadroom`, in the
    /// schedule file too); the solution itself when there is no margin. A bound an exact solver proved
    /// under the lowered caps does not hold for `problem`: the metrics keep the core's bound of
    /// `problem`, and the solver report keeps its objective, nodes and time with status `feasible`
    /// and no bound or gap of its own.
    public func remeasured(on problem: Problem, headroom: MemoryHeadroom) throws(SolveError) -> Solution {
        guard headroom.percent > 0 else { return self }
        var solver = self.solver
        if solver != nil {
            solver!.status = solver!.status == "optimal" ? "feasible" : solver!.status
            solver!.bestBound = nil
            solver!.gap = nil
        }
        var measured = try Solution(problem, method: method, objective: objective, schedule: Schedule(evaluation.timeline), solver: solver,
                                    candidates: candidates)
        measured.memoryHeadroom = headroom.percent
        return measured
    }
}
