import PipeSched

/// Which memory actions `pipesched profile` offers the search (`--memory-actions`): with
/// `recompute`, every stage whose forward keeps more than its layer inputs gets a `RecomputeCost`
/// (re-running the stage's layers before the backward, keeping only each layer's input as Megatron's
/// full recomputation does); with `offload`, every stage gets an `OffloadCost` (its activations,
/// but for the keys and values later slices read, over the hardware's host link); the search
/// chooses per stage and microbatch.
public enum MemoryActionChoice: String, Sendable, Equatable, CaseIterable {
    /// No actions: the problem is exactly what it was before actions existed.
    case none
    /// Recomputation per (stage, microbatch, slice).
    case recompute
    /// Offloading activations to host memory per (stage, microbatch, slice) (PipeOffload).
    case offload
    /// Every action PipeSched models: recomputation and offloading.
    case all

    /// Whether stages get recomputation costs.
    public var offersRecomputation: Bool { self == .recompute || self == .all }

    /// Whether stages get offloading costs.
    public var offersOffloading: Bool { self == .offload || self == .all }
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

    /// The cost of offloading a slice whose units cost `sum`, `nil` when it would move nothing: its
    /// stored activations but the keys and values later slices read, copied at the hardware's host
    /// link bandwidth (`hostBandwidthGBps`, per direction) each way. Memory in GiB, time in ms.
    func offloadCost(_ sum: UnitCost) -> OffloadCost? {
        guard options.memoryActions.offersOffloading, let host = hardware.hostBandwidthGBps else { return nil }
        let bytes = (sum.storedBytes - sum.keyValueBytes) / Double(model.tensorParallel)
        guard bytes > 0 else { return nil }
        return OffloadCost(memory: bytes / (1024.0 * 1024.0 * 1024.0), time: bytes / (host * 1e9) * 1e3)
    }
}
