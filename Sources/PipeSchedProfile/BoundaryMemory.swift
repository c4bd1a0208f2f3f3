/// What a pipeline runtime holds of the tensors crossing a stage's boundaries, beyond what the stage's
/// own passes store: the one place the profile states it (`BackwardSplit.boundaryMemory`).
///
/// PyTorch's `torch.distributed.pipelining` (torch 2.13, the runtime of `BackwardSplit.torch`), read
/// from its source (`stage.py`, `schedules.py`, `_backward.py`) and measured by
/// scripts/schedule_memory.py:
/// - **Receive buffers.** When it first runs, each stage allocates one buffer per microbatch for the
///   activations it receives (all but the first stage) and one for the gradients it receives (all
///   but the last), and keeps them: m·(input + output) bytes, static.
/// - **Sent outputs.** `_PipelineScheduleRuntime` waits for its sends only at the end of `step`, and on
///   gloo a send holds its tensor until then: every output a stage sends to another rank stays for
///   the step. NCCL releases it once the send completes, before the stage's W; the charge below
///   covers both.
/// - **Input gradients.** `stage_backward_input` keeps each input gradient as the `.grad` of the
///   stage's receive buffer, which the next step clears.
/// - **The last stage's output** (the logits) stays in the forward cache from F until B.
///
/// The stage's input is its receive buffer, which its first layer stores: F allocates the stage's
/// stored bytes less its input. The sent outputs and the input gradients, which the step frees only
/// at its end, are memory held to the step's end (`StepEndMemory.swift`): F allocates the output it
/// sends and B the input gradient, and W frees neither, so they grow with the passes run, to m at
/// the step's end (gloo's rule; under NCCL's the sent outputs go sooner, so this bounds them from
/// above). Neighbours on one rank (the V's turn) exchange no message: the output is the next
/// stage's input itself, alive from the sender's F until its W (counted there), and neither is held
/// for the step.
public struct BoundaryMemory: Sendable, Equatable {
    /// Bytes per device held for the whole step.
    public var staticBytes = 0.0
    /// Bytes per device F allocates beyond the stage's stored bytes (negative: fewer), which B frees
    /// again (`backwardInputBytes`) or W with the rest.
    public var forwardBytes = 0.0
    /// Bytes per device B allocates beyond the split's own (negative: frees).
    public var backwardInputBytes = 0.0
    /// Bytes per device F allocates that the step frees only at its end (the output it sends).
    public var forwardHeldBytes = 0.0
    /// Bytes per device B allocates that the step frees only at its end (the input gradient).
    public var backwardInputHeldBytes = 0.0

    /// Nothing held: a runtime whose memory the passes' stored bytes describe.
    public static let none = BoundaryMemory()

    public init(staticBytes: Double = 0, forwardBytes: Double = 0, backwardInputBytes: Double = 0,
                forwardHeldBytes: Double = 0, backwardInputHeldBytes: Double = 0) {
        self.staticBytes = staticBytes
        self.forwardBytes = forwardBytes
        self.backwardInputBytes = backwardInputBytes
        self.forwardHeldBytes = forwardHeldBytes
        self.backwardInputHeldBytes = backwardInputHeldBytes
    }

    /// What the step holds at its end over `microbatches` microbatches, beyond the static bytes.
    public func heldAtStepEnd(microbatches: Int) -> Double { Double(microbatches) * (forwardHeldBytes + backwardInputHeldBytes) }

    /// PyTorch's, for a stage receiving `input` bytes per microbatch (0 on the first stage) and
    /// sending `output` (0 on the last), whose output is `logits` bytes on the last stage (0
    /// elsewhere), over `microbatches` microbatches; `remoteInput` and `remoteOutput` say whether the
    /// stage it receives from and the one it sends to sit on another rank.
    public static func torch(input: Double, output: Double, logits: Double, microbatches: Int,
                             remoteInput: Bool, remoteOutput: Bool) -> BoundaryMemory {
        let buffers = Double(microbatches) * (input + output)
        return BoundaryMemory(staticBytes: buffers, forwardBytes: logits - input + (remoteOutput ? 0 : output),
                              backwardInputBytes: -logits, forwardHeldBytes: remoteOutput ? output : 0,
                              backwardInputHeldBytes: remoteInput ? input : 0)
    }
}
