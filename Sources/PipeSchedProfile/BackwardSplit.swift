/// How the runtime that will run the schedule splits a stage's backward into the input-gradient pass
/// B and the weight-gradient pass W: what memory B leaves for W, and, on the first stage, which of
/// the two does the work. The one place the profile turns a piece of the model's stored bytes into
/// the three passes' memory deltas (`memoryDeltas`) and its backward FLOPs into B and W (`backwardFLOPs`).
public enum BackwardSplit: String, Sendable, Equatable, CaseIterable {
    /// W keeps only what it reads: the linear layers' inputs and output gradients
    /// (`UnitCost.weightPassBytes`); B frees the rest of what F stored. Zero Bubble's runtime
    /// (Qi et al., ICLR 2024: its `WeightGradStore`) and Megatron-LM's `--delay-wgrad-compute`.
    case stored
    /// PyTorch's `torch.distributed.pipelining` (torch 2.13; torchtitan runs it): B
    /// (`stage_backward_input`) computes the input gradient with `retain_graph=True` and keeps the
    /// autograd graph for W, so it frees none of what F stored and adds the gradients of the outputs
    /// of the layers with weights (linear layers and norms) that W reads
    /// (`UnitCost.outputGradientBytes`); W (`stage_backward_weight`) frees all of it. On the first
    /// stage B runs nothing (`backward_one_chunk` skips it) and W runs the whole backward
    /// (`backward_weight_one_chunk`). Its runtime also holds tensors at the stage boundaries
    /// (`BoundaryMemory.torch`).
    case torch

    /// The memory deltas in bytes of F, B and W of `cost` (summing to zero) on a stage that is the
    /// first of its pipeline or not.
    public func memoryDeltas(_ cost: UnitCost, firstStage: Bool) -> (forward: Double, backwardInput: Double, backwardWeight: Double) {
        switch self {
        case .stored: (cost.storedBytes, cost.weightPassBytes - cost.storedBytes, -cost.weightPassBytes)
        case .torch where weightPassRunsWholeBackward(firstStage: firstStage): (cost.storedBytes, 0, -cost.storedBytes)
        case .torch: (cost.storedBytes, cost.outputGradientBytes, -(cost.storedBytes + cost.outputGradientBytes))
        }
    }

    /// What the runtime holds of the tensors crossing a stage's boundaries (`BoundaryMemory`), for a
    /// stage receiving `input` bytes per device per microbatch (0 on the first stage) and sending
    /// `output` (0 on the last), whose output is `logits` bytes on the last stage, over
    /// `microbatches`; `remoteInput` and `remoteOutput`: whether its neighbours sit on other devices.
    /// Zero Bubble's and Megatron's runtimes are what the passes' stored bytes describe (`none`).
    public func boundaryMemory(input: Double, output: Double, logits: Double, microbatches: Int,
                               remoteInput: Bool, remoteOutput: Bool) -> BoundaryMemory {
        switch self {
        case .stored: .none
        case .torch: .torch(input: input, output: output, logits: logits, microbatches: microbatches,
                            remoteInput: remoteInput, remoteOutput: remoteOutput)
        }
    }

    /// Whether W runs the whole backward and B nothing: on PyTorch's first stage.
    public func weightPassRunsWholeBackward(firstStage: Bool) -> Bool { self == .torch && firstStage }

    /// The FLOPs of B and W of `cost` on a stage that is the first of its pipeline or not.
    public func backwardFLOPs(_ cost: UnitCost, firstStage: Bool) -> (input: Double, weight: Double) {
        weightPassRunsWholeBackward(firstStage: firstStage)
            ? (0, cost.backwardInputFLOPs + cost.backwardWeightFLOPs) : (cost.backwardInputFLOPs, cost.backwardWeightFLOPs)
    }
}
