/// Signed memory deltas of one stage's passes, applied when the pass runs.
///
/// The forward pass allocates activations, the backward-for-input pass frees part of them and the
/// backward-for-weights pass frees the rest, so the three deltas sum to zero (Zero Bubble's `mem_f`,
/// `mem_b`, `mem_w`). A fused backward (`BW`) applies `backwardInput + backwardWeight`.
public struct MemoryDeltas: Sendable, Equatable, Hashable, Codable {
    public var forward: Double
    public var backwardInput: Double
    public var backwardWeight: Double

    public init(forward: Double, backwardInput: Double, backwardWeight: Double) {
        self.forward = forward
        self.backwardInput = backwardInput
        self.backwardWeight = backwardWeight
    }

    /// No memory effect at all.
    public static let zero = MemoryDeltas(forward: 0, backwardInput: 0, backwardWeight: 0)
}

/// Costs of one pipeline stage (a model chunk): pass durations, memory deltas and static memory.
///
/// Stages are heterogeneous in general: the first carries the embedding, the last the vocabulary head.
public struct StageProfile: Sendable, Equatable, Hashable, Codable {
    /// Duration of the forward pass of one microbatch.
    public var forward: Double
    /// Duration of the backward pass for the input gradient (Zero Bubble's B).
    public var backwardInput: Double
    /// Duration of the backward pass for the weight gradient (Zero Bubble's W).
    public var backwardWeight: Double
    /// Memory deltas of the three passes.
    public var memory: MemoryDeltas
    /// Memory held for the whole step (weights, gradients, optimizer state), counted against the cap.
    public var staticMemory: Double

    public init(forward: Double, backwardInput: Double, backwardWeight: Double,
                memory: MemoryDeltas = .zero, staticMemory: Double = 0) {
        self.forward = forward
        self.backwardInput = backwardInput
        self.backwardWeight = backwardWeight
        self.memory = memory
        self.staticMemory = staticMemory
    }

    /// Total compute time of one microbatch on this stage.
    public var work: Double { forward + backwardInput + backwardWeight }
}
