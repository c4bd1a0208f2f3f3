import PipeSched

/// What the profile makes of each split (`BackwardSplit`, defined with the problem): the one place
/// the profile turns a piece of the model's stored bytes into the three passes' memory deltas
/// (`memoryDeltas`), its backward FLOPs into B and W (`backwardFLOPs`), and the tensors the runtime
/// holds at stage boundaries into static memory and deltas (`boundaryMemory`).
extension BackwardSplit {
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
