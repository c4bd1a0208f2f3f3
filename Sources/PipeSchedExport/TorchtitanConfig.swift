import PipeSched

/// The torchtitan hand-off: the settings that make torchtitan run a PipeSched schedule CSV with the
/// right stages on each rank, as a TOML job-config snippet (`[parallelism]`, `[training]`).
///
/// torchtitan runs a CSV (`pipeline_parallel_schedule_csv`) with `_PipelineScheduleRuntime`, but it
/// decides which stages a rank builds from `pipeline_parallel_schedule`'s name: V placement for
/// `ZBVZeroBubble` (and `DualPipeV`), loop placement for any other. So the name is chosen from the
/// schedule's placement; other placements are refused by `TorchCSVWriter`. Layers per stage come
/// from the problem's `partition` as `module_fqns_per_model_part` with torchtitan's Llama / DeepSeek
/// module names (`tok_embeddings`, `layers.N`, `norm`, `output`). Written for torchtitan's TOML job
/// config (`torchtitan/config/job_config.py`); docs/export.md gives the newer dataclass names.
public struct TorchtitanConfig: Sendable {
    /// The CSV file name the snippet points to (relative to where torchtitan runs, or absolute).
    public var csvPath: String

    public init(csvPath: String) { self.csvPath = csvPath }

    /// The schedule name that makes torchtitan build `placement`.
    public static func scheduleName(_ placement: TorchPlacement, stagesPerRank: Int) -> String {
        switch placement {
        case .v: "ZBVZeroBubble"
        case .loop: stagesPerRank == 1 ? "1F1B" : "Interleaved1F1B"
        }
    }

    /// torchtitan module names of each stage for a model split as `partition` (layers per stage).
    public static func moduleNames(partition: [Int]) -> [[String]] {
        var first = 0
        return partition.enumerated().map { stage, count in
            var names = (first..<(first + count)).map { "layers.\($0)" }
            first += count
            if stage == 0 { names.insert("tok_embeddings", at: 0) }
            if stage == partition.count - 1 { names += ["norm", "output"] }
            return names
        }
    }

    /// The snippet for a schedule whose CSV `csv` was written with placement `placement`.
    public func render(_ document: ScheduleDocument, csv: TorchCSVWriter.Output, problem: Problem?) -> String {
        let ranks = document.timeline.count
        let stages = document.placement.count
        let placement = csv.placement ?? .loop
        let microbatches = document.shape.microbatches
        var lines = [
            "# torchtitan settings for the PipeSched schedule of \"\(document.problem)\" (method \(document.method), pipesched \(PipeSchedVersion.current)).",
            "# torchtitan TOML job config (torchtitan/config/job_config.py); see docs/export.md for the dataclass config's names.",
            "[parallelism]",
            "pipeline_parallel_degree = \(ranks)",
            "# The CSV orders the passes; the schedule name decides which stages each rank builds (\(placement.rawValue) placement, \(stages) stages).",
            "pipeline_parallel_schedule = \"\(Self.scheduleName(placement, stagesPerRank: stages / max(ranks, 1)))\"",
            "pipeline_parallel_schedule_csv = \"\(csvPath)\"",
            "pipeline_parallel_microbatch_size = 1",
            TorchMemoryNote.comment(for: document, problem: problem),
        ]
        if let partition = problem?.partition, partition.count == stages {
            let parts = Self.moduleNames(partition: partition).map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
            lines.append("# Layers per stage from the problem's partition \(partition); embedding with the first stage, norm and output with the last.")
            lines.append("module_fqns_per_model_part = [" + parts.joined(separator: ", ") + "]")
        } else {
            lines.append("# The problem has no partition (layers per stage): split the model into \(stages) stages yourself, e.g. pipeline_parallel_layers_per_stage.")
        }
        lines += [
            "",
            "[training]",
            "# torchtitan makes local_batch_size / pipeline_parallel_microbatch_size microbatches; the schedule has \(microbatches).",
            "local_batch_size = \(microbatches)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
