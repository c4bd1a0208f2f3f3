/// Several pipelines over the same devices: the stages form `pipelines` whole copies of the model,
/// one after another in `stages` (each `pipelineStages` long), and every microbatch index runs once
/// through each copy, so a step trains `pipelines × microbatches` microbatches. Bidirectional
/// schedules place two copies in opposite directions: Chimera (Li and Hoefler, SC 2021), DualPipe
/// (DeepSeek-V3, 2024: "feeds micro-batches from both ends") and, with a V per direction, BitPipe
/// (Wu et al., AAAI 2025). The `v` placement with two pipelines is Chimera's and DualPipe's mapping:
/// stage `s` of the first copy on device `s`, stage `s` of the second on device `devices − 1 − s`.
/// Every device then holds a stage of each copy, so the weights of both count in its memory.
///
/// The only rule that changes is where a microbatch's chain starts and turns: the first stage of
/// each pipeline takes its input and the last computes its loss (`Problem.forEachDependency`), so
/// nothing flows between the copies. Averaging the copies' weight gradients (data parallelism
/// between them) is outside the schedule, as it is for data-parallel replicas.
extension Problem {
    /// Stages of one pipeline.
    @inline(__always)
    public var pipelineStages: Int { stages.count / pipelines }

    /// Which pipeline `stage` belongs to.
    @inline(__always)
    public func pipeline(of stage: Int) -> Int { stage / pipelineStages }

    /// Where `stage` sits in its pipeline: 0 for the first stage, `pipelineStages − 1` for the last
    /// of a chain; in a graph of stages, the longest path of inputs that leads to it (`StageGraph`).
    @inline(__always)
    public func position(inPipeline stage: Int) -> Int { graph.depth[stage] }

    /// Whether `stage` starts its pipeline (a branch of it, in a graph): its forward reads the
    /// microbatch's input.
    @inline(__always)
    public func startsPipeline(_ stage: Int) -> Bool { graph.inputs[stage].isEmpty }

    /// Whether `stage` ends its pipeline (is an output, in a graph): its input-gradient pass starts
    /// from the loss.
    @inline(__always)
    public func endsPipeline(_ stage: Int) -> Bool { graph.consumers[stage].isEmpty }

    /// Whether `stages` stages split into `pipelines` copies of the model (the problem's check, which
    /// `pipesched profile` also runs before it builds any stage).
    public static func checkPipelines(_ pipelines: Int, stages: Int) throws(ProblemError) {
        guard pipelines >= 1 else {
            throw ProblemError(field: "pipelines", message: "must be at least 1, got \(pipelines)",
                               fix: "use 1 for one pipeline, or 2 for two copies of the model in opposite directions")
        }
        guard stages % pipelines == 0 else {
            throw ProblemError(field: "pipelines", message: "\(stages) stages do not split into \(pipelines) copies of the model",
                               fix: "list every pipeline's stages in full (\(pipelines) × the stages of one copy), or set pipelines to 1")
        }
    }
}
