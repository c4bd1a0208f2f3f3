/// Which stages feed which: the model as a graph of stages, read by the one dependency rule
/// (`Problem.forEachDependency`).
///
/// By default each stage reads the stage before it in its pipeline, a chain, as every pipeline
/// schedule of the literature assumes. A stage may instead list the earlier stages whose forward
/// outputs it reads (`stages[i].inputs`): several stages may read one (a fan-out), one may read
/// several (a fan-in), and a stage with no inputs starts a branch of its own. Its backward then waits
/// for the input-gradient pass of every stage that reads it, and sends a gradient to each input.
///
/// The stages no stage reads are the outputs, and together they compute the loss: when there are
/// several, each output's backward also waits for every other output's forward (the message that
/// carries its share of the loss). That is Vocabulary Parallelism (Yeung, Qi, Lin and Wan,
/// "Balancing Pipeline Parallelism with Vocabulary Parallelism", 2024): the output layer cut by
/// vocabulary into shards on every device, each shard reading the last transformer stage's hidden
/// state (the broadcast), the softmax statistics all-reduced across the shards before any shard's
/// backward (the barrier), and the last transformer stage's backward summing the shards' input
/// gradients (the reduce). `pipesched profile --vocabulary-parallel` writes such a problem.
///
/// Inputs must be earlier stages, so stage order is a topological order and every chain of the
/// graph runs forwards in stage order and backwards against it. Graphs other than chains are for
/// one pipeline; the hand-written families and the ported peers order chains only.
public struct StageGraph: Sendable, Equatable, Hashable {
    /// The stages each stage's forward reads, ascending.
    public let inputs: [[Int]]
    /// The stages that read each stage, ascending: its backward waits for their input gradients.
    public let consumers: [[Int]]
    /// The other outputs whose forwards each output's backward waits for; empty for every stage
    /// when the graph has one output per pipeline.
    public let lossPartners: [[Int]]
    /// The longest path of inputs from a stage without inputs: a stage's depth in its pipeline.
    public let depth: [Int]
    /// Whether every stage reads exactly the stage before it in its pipeline (the default, whether
    /// or not `inputs` says so).
    public let isChain: Bool

    /// The inputs as a schedule file records them: `nil` for a chain (`ScheduleDocument.stageInputs`).
    public var recordedInputs: [[Int]]? { isChain ? nil : inputs }

    /// The graph of `stages`, `pipelines` copies of `pipelineStages` stages each; throws when a
    /// stage's inputs are not earlier stages of a single pipeline.
    init(stages: [StageProfile], pipelines: Int) throws(ProblemError) {
        let count = stages.count, perPipeline = count / max(1, pipelines)
        func chainInputs(_ stage: Int) -> [Int] { stage % perPipeline == 0 ? [] : [stage - 1] }
        var inputs: [[Int]] = []
        for (stage, profile) in stages.enumerated() {
            guard let listed = profile.inputs else {
                inputs.append(chainInputs(stage))
                continue
            }
            guard pipelines == 1 else {
                throw ProblemError(field: "stages[\(stage)].inputs", message: "lists inputs, but the problem has \(pipelines) pipelines",
                                   fix: "omit inputs (each copy of the model is a chain) or set pipelines to 1")
            }
            for (k, input) in listed.enumerated() where input < 0 || input >= stage {
                throw ProblemError(field: "stages[\(stage)].inputs[\(k)]", message: "is \(input); a stage reads only earlier stages (0..<\(stage))",
                                   fix: "list the indices of the earlier stages whose outputs stage \(stage) reads, or omit inputs for the stage before it")
            }
            guard Set(listed).count == listed.count else {
                throw ProblemError(field: "stages[\(stage)].inputs", message: "lists a stage twice: \(listed)", fix: "list each input stage once")
            }
            inputs.append(listed.sorted())
        }
        var consumers = Array(repeating: [Int](), count: count)
        var depth = Array(repeating: 0, count: count)
        for stage in 0..<count {
            for input in inputs[stage] {
                consumers[input].append(stage)
                depth[stage] = max(depth[stage], depth[input] + 1)
            }
        }
        let outputs = (0..<count).filter { consumers[$0].isEmpty }
        let byPipeline = Dictionary(grouping: outputs) { $0 / perPipeline }
        self.inputs = inputs
        self.consumers = consumers
        self.depth = depth
        lossPartners = (0..<count).map { stage in
            guard consumers[stage].isEmpty, let group = byPipeline[stage / perPipeline], group.count > 1 else { return [] }
            return group.filter { $0 != stage }
        }
        isChain = (0..<count).allSatisfy { inputs[$0] == chainInputs($0) }
    }
}
