/// How the runtime that will run the schedule splits a stage's backward into the input-gradient pass
/// B and the weight-gradient pass W, and so what memory the problem's deltas describe (problem JSON
/// `backwardSplit`, written by `pipesched profile --model`). The profile turns a model into deltas
/// by it (`PipeSchedProfile`'s `BackwardSplit` extension); the PyTorch exports read it to say when
/// a schedule's peaks do not hold in PyTorch's runtime (`TorchMemoryNote`).
public enum BackwardSplit: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
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

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let split = BackwardSplit(rawValue: text) else {
            throw ProblemError(field: ProblemError.fieldPath(decoder.codingPath), message: "is \"\(text)\"",
                               fix: "use \(Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")), or omit it")
        }
        self = split
    }
}
