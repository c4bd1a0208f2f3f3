import PipeSched
import PipeSchedExport

/// The `profile --partition search` table: one row per partition solved with the final method, the
/// winner marked, then its hand-offs (Megatron-LM's layout string, torchtitan's modules per stage),
/// which describe one pipeline: with several (`Problem.pipelines`) the rows give each copy's layers.
struct PartitionSearchTable {
    let text: String

    init(_ report: PartitionSearch.Report, placement: Placement, pipelines: Int = 1, vocabularyParallel: Bool = false) {
        let objective = (try? report.best.outcome.get())?.objective ?? .stageSpan
        let header = ["partition", "layers per stage", objective.rawValue, "bubble", "peak memory", ""]
        var rows: [[String]] = []
        for (index, candidate) in report.candidates.enumerated() {
            let layers = candidate.partition.map(String.init).joined(separator: " ")
            switch candidate.outcome {
            case .success(let solution):
                let metrics = solution.evaluation.metrics
                let value = objective == .makespan ? metrics.makespan : metrics.stageSpan
                rows.append([candidate.origin, layers, value.readable, String(format: "%.2f%%", metrics.bubbleRate * 100),
                             (metrics.peakMemory.max() ?? 0).readable, index == report.bestIndex ? "best" : ""])
            case .failure(let error):
                rows.append([candidate.origin, layers, "-", "-", "-", error.message])
            }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        var lines = ([header] + rows).map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        lines.append("explored \(report.explored) partition(s), skipped \(report.prunedByBound) whose lower bound could not beat the incumbent")
        let partition = report.best.partition
        guard pipelines == 1 else {
            lines.append("layers per stage of each of the \(pipelines) copies of the model; Megatron-LM and torchtitan run one pipeline, so there is no hand-off")
            text = lines.joined(separator: "\n") + "\n"
            return
        }
        guard !vocabularyParallel else {
            lines.append("layers per transformer stage; the output layer is cut into one vocabulary shard per device (Vocabulary Parallelism), which neither Megatron-LM's layout nor torchtitan's stages describe, so there is no hand-off")
            text = lines.joined(separator: "\n") + "\n"
            return
        }
        if placement != .v {
            lines.append("Megatron-LM: --pipeline-model-parallel-layout \"\(MegatronLayout.layout(partition: partition))\"")
        }
        let modules = TorchtitanConfig.moduleNames(partition: partition).map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        lines.append("torchtitan: module_fqns_per_model_part = [" + modules.joined(separator: ", ") + "]")
        text = lines.joined(separator: "\n") + "\n"
    }
}
