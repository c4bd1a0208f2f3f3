import PipeSched

/// The Megatron-LM hand-off: `--pipeline-model-parallel-layout`, which sets the layers each
/// (virtual) pipeline stage holds: `E` the embedding, `t` a transformer layer, `L` the loss, `|`
/// between stages, `t*N` for N layers (Megatron-LM's "Custom Pipeline Model Parallel Layout").
///
/// Megatron places virtual stage `s` on rank `s mod p` (the loop placement) and runs its own 1F1B or
/// interleaved 1F1B order: only the partition is handed off, not the order of the passes.
public enum MegatronLayout {
    /// The layout string for `partition` (layers per stage, in model order).
    public static func layout(partition: [Int]) -> String {
        partition.enumerated().map { stage, count in
            var parts: [String] = []
            if stage == 0 { parts.append("E") }
            if count > 0 { parts.append(count == 1 ? "t" : "t*\(count)") }
            if stage == partition.count - 1 { parts.append("L") }
            return parts.joined(separator: ",")
        }.joined(separator: "|")
    }

    /// The Megatron arguments for a schedule of `problem`, or why there are none.
    public static func arguments(_ document: ScheduleDocument, problem: Problem?) throws(ExportError) -> String {
        guard let problem else {
            throw .unsupported("the layout comes from the problem's partition (layers per stage): give --problem")
        }
        guard let partition = problem.partition, partition.count == problem.stageCount else {
            throw .unsupported("the problem has no partition (layers per stage); write the problem with `pipesched profile`, which records it")
        }
        guard problem.pipelines == 1 else {
            throw .unsupported("the problem runs \(problem.pipelines) pipelines (copies of the model); Megatron's layout describes one pipeline")
        }
        guard problem.graph.isChain else {
            throw .unsupported("the problem's stages form a graph (stages[].inputs, such as Vocabulary Parallelism's output shards); Megatron's layout describes a chain of stages")
        }
        let ranks = problem.devices
        guard TorchPlacement.matching(document.placement, ranks: ranks) == .loop else {
            throw .unsupported("Megatron puts virtual stage s on rank s mod \(ranks); the placement \(document.placement) is not that, so Megatron cannot build these stages; solve with placement \"sequential\" or \"interleaved\"")
        }
        // With more stages than ranks, the layout itself gives Megatron the virtual stages per rank.
        return "--pipeline-model-parallel-size \(ranks) --pipeline-model-parallel-layout \"\(layout(partition: partition))\""
    }
}
