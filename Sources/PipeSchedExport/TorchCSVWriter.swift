import PipeSched

/// Writes a schedule as a PyTorch compute-only schedule CSV, for
/// `_PipelineScheduleRuntime._load_csv(path, format="compute_only")` and torchtitan's
/// `--parallelism.pipeline_parallel_schedule_csv`.
///
/// Row `r` is device (rank) `r`; each cell is `<stage><letter><microbatch>` with global stage numbers
/// in model order and the letters of `version` (2.6+: F, I, W, B for our F, B, W, BW), and each
/// overlapped F&B pair one `(F;B)OVERLAP_F_B` cell (2.9+). Before any text
/// is returned the schedule is checked by `TorchRules`, so PyTorch's loader never rejects it.
public struct TorchCSVWriter: Sendable {
    /// The PyTorch version whose letters are written.
    public var version: TorchVersion
    /// Write placements other than PyTorch's loop and v (the training script must then build the stages itself).
    public var allowCustomPlacement: Bool

    public init(version: TorchVersion = .tested, allowCustomPlacement: Bool = false) {
        self.version = version
        self.allowCustomPlacement = allowCustomPlacement
    }

    /// A written CSV and the placement a training script must build.
    public struct Output: Sendable, Equatable {
        /// The CSV text, one line per rank.
        public var text: String
        /// Rank of each stage.
        public var stageRanks: [Int]
        /// The named PyTorch placement equal to `stageRanks`, or `nil` for a custom one.
        public var placement: TorchPlacement?
    }

    /// Writes the orders of a schedule document; `microbatches` defaults to the largest index + 1.
    public func write(_ document: ScheduleDocument, microbatches: Int? = nil) throws(TorchScheduleError) -> Output {
        let schedule = Schedule(document.timedTimeline)
        if let pipelines = document.pipelines, pipelines > 1 { throw Self.severalPipelines(pipelines) }
        if document.stageInputs != nil { throw Self.stageGraph }
        let count = microbatches ?? (schedule.orders.joined().map(\.microbatch).max() ?? -1) + 1
        return try write(schedule, placement: document.placement, microbatches: count)
    }

    /// A schedule of several pipelines: PyTorch's stages form one chain, so it would feed each
    /// pipeline's first stage the previous pipeline's output.
    static func severalPipelines(_ pipelines: Int) -> TorchScheduleError {
        TorchScheduleError(.pipelines, "the problem runs \(pipelines) pipelines (copies of the model in turn), but PyTorch's pipelining chains all stages into one, so it would run another model; solve the problem with pipelines 1 (for example placement v for DualPipeV) to export it")
    }

    /// A schedule whose stages form a graph: PyTorch's pipelining sends each stage's output to the
    /// next stage only, so it would run another model.
    static let stageGraph = TorchScheduleError(.stageGraph, "the problem's stages form a graph (stages[].inputs: fan-out, fan-in, or several outputs sharing the loss, as Vocabulary Parallelism's shards), but PyTorch's pipelining chains its stages, each sending its output to the next; solve a problem whose stages form a chain to export it")

    /// Writes per-device orders whose stage `s` sits on device `placement[s]`.
    public func write(_ schedule: Schedule, placement: [Int], microbatches: Int) throws(TorchScheduleError) -> Output {
        guard version.readsScheduleCSV else {
            throw TorchScheduleError(.version, "PyTorch \(version) has no schedule CSV loader; it appeared in \(TorchVersion.firstWithCSV)")
        }
        for (device, order) in schedule.orders.enumerated() {
            for op in order {
                guard op.kind != .recompute else {
                    throw TorchScheduleError(.memoryActions, "the schedule recomputes activations in a pass of its own (\(op) on device \(device)); PyTorch's schedule has no recomputation action (R), so it cannot run this schedule; solve the problem without memory actions (profile --memory-actions none) to export it, or use activation checkpointing inside the stage (profile --recompute full)")
                }
                guard op.kind.computes else {
                    throw TorchScheduleError(.memoryActions, "the schedule offloads activations to host memory (\(op) on device \(device)); PyTorch's schedule has no offload or reload action (O, L), so it cannot run this schedule; solve the problem without memory actions (profile --memory-actions none) to export it")
                }
                guard op.slice == 0 else {
                    throw TorchScheduleError(.slices, "the schedule splits microbatches into sequence slices (\(op) on device \(device)); PyTorch has no slice actions, so it cannot run this schedule; solve the problem with sequenceSlices 1 to export it")
                }
                guard op.stage >= 0, op.stage < placement.count, placement[op.stage] == device else {
                    let home = op.stage >= 0 && op.stage < placement.count ? "device \(placement[op.stage])" : "no device"
                    throw TorchScheduleError(.placement, "\(op) runs on device \(device), but stage \(op.stage) is placed on \(home)")
                }
            }
        }
        if schedule.hasOverlaps && version < TorchVersion.firstWithOverlap {
            throw TorchScheduleError(.version, "the schedule runs overlapped F&B pairs, written as (F;B)OVERLAP_F_B cells, which PyTorch reads from \(TorchVersion.firstWithOverlap) on, not \(version); export for --torch-version \(TorchVersion.firstWithOverlap) or newer, or solve a problem without overlap times (stages[].overlap)")
        }
        let ranks = schedule.orders.count
        let named = TorchPlacement.matching(placement, ranks: ranks)
        if named == nil && !allowCustomPlacement {
            throw TorchScheduleError(.placement, "the placement \(placement) (device of each stage) is neither PyTorch's \"loop\" (stage s on rank s mod \(ranks)) nor \"v\" (\(TorchPlacement.v.ranks(stages: 2 * ranks, ranks: ranks))), so torchtitan cannot build these stages; use placement \"interleaved\" or \"v\", or pass --allow-custom-placement if your training script builds stage s on rank placement[s] itself")
        }
        let torch = TorchSchedule(schedule)
        let letters = version.letters
        try TorchRules.check(torch, ranks: ranks, stages: placement.count, microbatches: microbatches, letters: letters)
        return Output(text: torch.csv(letters), stageRanks: placement, placement: named)
    }
}
