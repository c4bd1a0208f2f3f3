/// FLOPs and activation bytes of one piece of the model (a layer, the embedding, the head) on one
/// sequence slice of one microbatch, before dividing by the tensor-parallel degree.
public struct UnitCost: Sendable, Equatable {
    /// FLOPs of the forward pass F.
    public var forwardFLOPs: Double
    /// FLOPs of the input-gradient pass B.
    public var backwardInputFLOPs: Double
    /// FLOPs of the weight-gradient pass W.
    public var backwardWeightFLOPs: Double
    /// Bytes the forward pass leaves allocated until the backward (activations).
    public var storedBytes: Double
    /// Bytes the weight pass needs (linear-layer inputs and output gradients), held from B until W.
    public var weightPassBytes: Double
    /// The gradients of the outputs of the layers with weights, which B computes for W: the linear
    /// layers' (of `weightPassBytes`, whose rest is their inputs, which F stored) and the norms'. A
    /// runtime whose W computes every weight gradient from B's retained graph holds all of them
    /// (`BackwardSplit.torch`); Zero Bubble's computes the norms' weight gradients in B, so its W
    /// reads only the linear layers' (`weightPassBytes`).
    public var outputGradientBytes: Double
    /// Bytes one GPU sends in the forward's expert-parallel all-to-alls (dispatch and combine of
    /// mixture-of-experts layers); the input-gradient pass sends as many. An overlapped F&B pass can
    /// hide this traffic under the other pass's compute (DeepSeek-V3's DualPipe).
    public var allToAllBytes: Double
    /// Of `storedBytes`, the attention keys and values (or state-space states) that later sequence
    /// slices of the same microbatch read: they must stay on the device, so offloading cannot move
    /// them. Zero when sequences are not sliced.
    public var keyValueBytes: Double

    public init(forwardFLOPs: Double = 0, backwardInputFLOPs: Double = 0, backwardWeightFLOPs: Double = 0,
                storedBytes: Double = 0, weightPassBytes: Double = 0, outputGradientBytes: Double = 0, allToAllBytes: Double = 0,
                keyValueBytes: Double = 0) {
        self.forwardFLOPs = forwardFLOPs
        self.backwardInputFLOPs = backwardInputFLOPs
        self.backwardWeightFLOPs = backwardWeightFLOPs
        self.storedBytes = storedBytes
        self.weightPassBytes = weightPassBytes
        self.outputGradientBytes = outputGradientBytes
        self.allToAllBytes = allToAllBytes
        self.keyValueBytes = keyValueBytes
    }

    /// Nothing.
    public static let zero = UnitCost()

    /// FLOPs of all three passes.
    public var totalFLOPs: Double { forwardFLOPs + backwardInputFLOPs + backwardWeightFLOPs }

    public static func + (a: UnitCost, b: UnitCost) -> UnitCost {
        UnitCost(forwardFLOPs: a.forwardFLOPs + b.forwardFLOPs,
                 backwardInputFLOPs: a.backwardInputFLOPs + b.backwardInputFLOPs,
                 backwardWeightFLOPs: a.backwardWeightFLOPs + b.backwardWeightFLOPs,
                 storedBytes: a.storedBytes + b.storedBytes,
                 weightPassBytes: a.weightPassBytes + b.weightPassBytes,
                 outputGradientBytes: a.outputGradientBytes + b.outputGradientBytes,
                 allToAllBytes: a.allToAllBytes + b.allToAllBytes,
                 keyValueBytes: a.keyValueBytes + b.keyValueBytes)
    }

    public static func += (a: inout UnitCost, b: UnitCost) { a = a + b }
}

/// What the forward pass keeps for the backward (Korthikanti et al., "Reducing Activation
/// Recomputation in Large Transformer Models", MLSys 2023).
public enum Recomputation: String, Sendable, Equatable, CaseIterable {
    /// Everything is stored, attention scores included: sbh(34 + 5as/h) per GPT layer.
    case none
    /// Attention scores are recomputed (or never stored, as with FlashAttention): 34sbh per GPT layer.
    case selective
    /// Only each layer's input is stored and the forward is recomputed before the backward: 2sbh.
    case full
}
