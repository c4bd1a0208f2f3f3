import PipeSched

/// Whether a schedule's memory peaks hold in PyTorch's runtime, from how its problem was profiled
/// (`Problem.backwardSplit`): the one judgement the PyTorch exports (the CSV and the torchtitan
/// snippet) share. PyTorch's runtime keeps B's autograd graph until W, a receive buffer per
/// microbatch and the messages a stage sent (docs/cost-model.md), so a problem profiled for Zero
/// Bubble's or Megatron's split understates its peaks there: the round trip's small GPT model
/// profiled so, its greedy schedules held 1.17–1.68× their peaks per rank in PyTorch's runtime
/// (`scripts/schedule_memory.py`, docs/export.md).
public enum TorchMemoryNote {
    /// How the schedule's peaks were measured: the problem's split when the export has the problem,
    /// else the one the schedule carries.
    static func split(_ document: ScheduleDocument, _ problem: Problem?) -> BackwardSplit? {
        problem.map(\.backwardSplit) ?? document.backwardSplit
    }

    /// A warning for an export of `document` (of `problem`, when given) as `format`; `nil` for a
    /// format PyTorch does not run, or where the peaks are PyTorch's (`torch`) or the problem does not
    /// say how it was profiled (written by hand or measured). ASCII, so a server can send it as a
    /// header.
    public static func warning(for document: ScheduleDocument, problem: Problem?, format: ExportFormat) -> String? {
        guard format.runsInPyTorch, split(document, problem) == .stored else { return nil }
        return "the problem was profiled with --backward-split stored (Zero Bubble's and Megatron-LM's runtimes), so the "
            + "schedule's memory peaks do not hold in PyTorch's runtime, which keeps more until W and at stage boundaries; "
            + "to keep PyTorch under the cap, profile with --backward-split torch and solve again (docs/cost-model.md)"
    }

    /// The torchtitan snippet's comment on memory.
    static func comment(for document: ScheduleDocument, problem: Problem?) -> String {
        switch split(document, problem) {
        case .torch?:
            "# Memory: the schedule's peaks are PyTorch's runtime's (profiled with `pipesched profile --backward-split torch`) when the step runs with return_outputs=False (docs/cost-model.md)."
        case .stored?:
            "# Memory: WARNING, \(warning(for: document, problem: problem, format: .torchtitan) ?? "")."
        case nil:
            "# Memory: the schedule's peaks hold in PyTorch's runtime when its problem was profiled with `pipesched profile --backward-split torch` and the step runs with return_outputs=False (docs/cost-model.md)."
        }
    }
}
