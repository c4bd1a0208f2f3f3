import PipeSched

/// Which memory actions `pipesched profile` offers the search (`--memory-actions`): with
/// `recompute`, every stage whose forward keeps more than its layer inputs gets a `RecomputeCost`
/// (re-running the stage's layers before the backward, keeping only each layer's input as Megatron's
/// full recomputation does), and the search chooses per stage and microbatch.
public enum MemoryActionChoice: String, Sendable, Equatable, CaseIterable {
    /// No actions: the problem is exactly what it was before actions existed.
    case none
    /// Recomputation per (stage, microbatch, slice).
    case recompute
    /// Offloading activations to host memory (PipeOffload). Not modelled yet: refused with a message.
    case offload
    /// Every action PipeSched models: today recomputation.
    case all

    /// Whether stages get recomputation costs.
    public var offersRecomputation: Bool { self == .recompute || self == .all }
}

extension ProblemBuilder {
    /// The cost of recomputing `units` on a slice, `nil` when it would free nothing: `R` re-runs
    /// what full recomputation adds to the backward (the layers' forwards), and the forward keeps
    /// what full recomputation stores. Times in ms and memory in GiB, like the stage's other costs.
    func recomputeCost(units: Range<Int>, slice: Int, lengths: [Int], base: UnitCost) -> RecomputeCost? {
        guard options.memoryActions.offersRecomputation, options.recomputation != .full else { return nil }
        let full = LayerCost(model: model, recomputation: .full, sliced: options.slices > 1)
        let checkpointed = units.reduce(UnitCost.zero) { $0 + cost(unit: $1, slice: slice, lengths: lengths, using: full) }
        let t = Double(model.tensorParallel)
        guard let flops = try? hardware.achievedFLOPS(for: model.dtype), checkpointed.storedBytes < base.storedBytes else { return nil }
        let gib = 1024.0 * 1024.0 * 1024.0
        let time = (checkpointed.backwardInputFLOPs - base.backwardInputFLOPs) / t / flops * 1e3
        return RecomputeCost(time: max(0, time), keptMemory: checkpointed.storedBytes / t / gib)
    }
}
