/// Signed memory deltas of one stage's passes, applied when the pass runs.
///
/// The forward pass allocates activations, the backward-for-input pass frees part of them and the
/// backward-for-weights pass frees the rest, so the three deltas sum to zero (Zero Bubble's `mem_f`,
/// `mem_b`, `mem_w`), or to more: memory held until the step ends (`StepEndMemory.swift`). A fused
/// backward (`BW`) applies `backwardInput + backwardWeight`.
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

/// Durations and memory deltas of the F, B and W passes of one stage on one sequence slice (on the
/// whole microbatch when sequences are not split).
public struct PassCosts: Sendable, Equatable, Hashable {
    /// Duration of the forward pass.
    public var forward: Double
    /// Duration of the backward pass for the input gradient (Zero Bubble's B).
    public var backwardInput: Double
    /// Duration of the backward pass for the weight gradient (Zero Bubble's W).
    public var backwardWeight: Double
    /// Memory deltas of the three passes.
    public var memory: MemoryDeltas
    /// What recomputing this slice costs, when the schedule may choose to (`RecomputeCost`); `nil`:
    /// the forward always keeps its activations.
    public var recompute: RecomputeCost?
    /// What offloading this slice's activations to the host costs, when the schedule may choose to
    /// (`OffloadCost`); `nil`: they stay on the device.
    public var offload: OffloadCost?
    /// What an overlapped F&B pass can hide of this slice's forward and backward (`OverlappedPass.swift`);
    /// `nil`: nothing.
    public var overlap: OverlapCost?
    /// Size of the message at this stage's output boundary on this slice: the activations its forward
    /// sends to the next stage, and the gradient of them the next stage's backward sends back, as a
    /// multiple of the message whose link time `Communication.transfer` gives (1). A vision encoder's
    /// boundary carries a tensor of another shape than the language model's, and a short slice a
    /// smaller one (`Problem.messageScale(of:)`).
    public var messageSize: Double

    public init(forward: Double, backwardInput: Double, backwardWeight: Double, memory: MemoryDeltas = .zero,
                recompute: RecomputeCost? = nil, offload: OffloadCost? = nil, overlap: OverlapCost? = nil, messageSize: Double = 1) {
        self.forward = forward
        self.backwardInput = backwardInput
        self.backwardWeight = backwardWeight
        self.memory = memory
        self.recompute = recompute
        self.offload = offload
        self.overlap = overlap
        self.messageSize = messageSize
    }

    /// Total compute time of the three passes.
    public var work: Double { forward + backwardInput + backwardWeight }
}

/// Costs of one pipeline stage (a model chunk): pass durations and memory deltas per sequence slice,
/// and static memory.
///
/// Stages are heterogeneous in general: the first carries the embedding, the last the vocabulary head.
/// With `sequenceSlices` K > 1 the slices of a microbatch may cost different amounts (causal attention
/// makes later slices dearer), so `slices` holds either one entry that every slice shares or K
/// entries, slice 0 first. Read costs through `Problem.duration(_:stage:slice:)` and
/// `Problem.memoryDelta(_:stage:slice:)`.
public struct StageProfile: Sendable, Equatable, Hashable {
    /// Costs of each slice, slice 0 first; a single entry is shared by every slice.
    public var slices: [PassCosts]
    /// Memory held for the whole step (weights, gradients, optimizer state), counted against the cap.
    public var staticMemory: Double
    /// The earlier stages whose forward outputs this stage's forward reads (`StageGraph.swift`);
    /// `nil`: the stage before it in its pipeline (none for a pipeline's first stage).
    public var inputs: [Int]?

    /// A stage whose every slice (or whole microbatch) has the same costs.
    public init(forward: Double, backwardInput: Double, backwardWeight: Double,
                memory: MemoryDeltas = .zero, staticMemory: Double = 0) {
        self.init(slices: [PassCosts(forward: forward, backwardInput: backwardInput, backwardWeight: backwardWeight, memory: memory)],
                  staticMemory: staticMemory)
    }

    /// A stage with costs per slice (slice 0 first), or one entry shared by every slice.
    public init(slices: [PassCosts], staticMemory: Double = 0, inputs: [Int]? = nil) {
        precondition(!slices.isEmpty, "a stage needs the costs of at least one slice")
        self.slices = slices
        self.staticMemory = staticMemory
        self.inputs = inputs
    }

    /// Whether every slice has the same costs (a single entry).
    public var isUniform: Bool { slices.count == 1 }

    /// The costs of slice `slice`.
    @inline(__always)
    public func costs(slice: Int) -> PassCosts { slices.count == 1 ? slices[0] : slices[slice] }

    /// Compute time of one whole microbatch split into `count` slices.
    public func work(slices count: Int) -> Double {
        isUniform ? Double(count) * slices[0].work : slices.reduce(0) { $0 + $1.work }
    }

    /// Slice 0's forward duration: the duration of every slice when the stage is uniform.
    /// With per-slice costs use `costs(slice:)` or `Problem.duration(_:stage:slice:)`.
    public var forward: Double { slices[0].forward }
    /// Slice 0's input-gradient duration (see `forward`).
    public var backwardInput: Double { slices[0].backwardInput }
    /// Slice 0's weight-gradient duration (see `forward`).
    public var backwardWeight: Double { slices[0].backwardWeight }
    /// Slice 0's memory deltas (see `forward`).
    public var memory: MemoryDeltas { slices[0].memory }
    /// Slice 0's total compute time (see `forward`).
    public var work: Double { slices[0].work }
}
