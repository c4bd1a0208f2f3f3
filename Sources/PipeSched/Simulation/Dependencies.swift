/// The data dependencies between passes.
///
/// - `F(s, i, j)` after `F(s−1, i, j)` (activations; not on the first stage of a pipeline,
///   `Pipelines.swift`; in a graph of stages, after the forward of each of its inputs,
///   `StageGraph.swift`) and after `F(s, i, j−1)` (later slices attend to the keys and values of
///   earlier ones);
/// - the input-gradient pass `B(s, i, j)` (or fused `BW`) after `F(s, i, j)`, after the
///   input-gradient pass of stage `s+1` (gradients flow back; not on the last stage of a pipeline;
///   in a graph, of every stage that reads `s`), after the forward of every other output when
///   several outputs share the loss (`StageGraph.lossPartners`), and after `B(s, i, j+1)` (slices
///   run backwards);
/// - `W(s, i, j)` after `B(s, i, j)`;
/// - a recomputation `R(s, i, j)` after `F(s, i, j)`, and the input-gradient pass of a cell after its
///   `R` when the schedule recomputes that cell (`MemoryActions.swift`);
/// - an offload `O(s, i, j)` after `F(s, i, j)`, its reload `L(s, i, j)` after it, and the
///   input-gradient pass of a cell after its `L` when the schedule offloads that cell
///   (`Offloading.swift`, which also gives the rules between a device's streams).
///
/// Which backward kind a cell uses (split `B`+`W` or fused `BW`) is the schedule's choice, so the
/// backward predecessor is given as a kind-agnostic "input-gradient pass" of a cell.
public enum Dependency: Sendable, Equatable {
    /// A specific pass.
    case op(Op)
    /// Whichever pass (`B` or `BW`) produces the input gradient of this cell.
    case inputGradient(stage: Int, microbatch: Int, slice: Int)
    /// A memory action's pass (`R` or `L`) when the schedule has it: a cell that is not recomputed
    /// or offloaded has nothing to wait for.
    case ifScheduled(Op)
}

extension Problem {
    /// The passes `op` must wait for.
    public func dependencies(of op: Op) -> [Dependency] {
        var result: [Dependency] = []
        result.reserveCapacity(3)
        forEachDependency(of: op) { result.append($0) }
        return result
    }

    /// Calls `body` with each pass `op` must wait for, without allocating (the simulator's hot path).
    @inline(__always)
    public func forEachDependency(of op: Op, _ body: (Dependency) throws -> Void) rethrows {
        switch op.kind {
        case .forward:
            for input in graph.inputs[op.stage] { try body(.op(.forward(input, op.microbatch, slice: op.slice))) }
            if op.slice > 0 { try body(.op(.forward(op.stage, op.microbatch, slice: op.slice - 1))) }
        case .backwardInput, .backward:
            try body(.op(.forward(op.stage, op.microbatch, slice: op.slice)))
            if canRecompute(stage: op.stage, slice: op.slice) {
                try body(.ifScheduled(Op(.recompute, stage: op.stage, microbatch: op.microbatch, slice: op.slice)))
            }
            if canOffload(stage: op.stage, slice: op.slice) {
                try body(.ifScheduled(Op(.reload, stage: op.stage, microbatch: op.microbatch, slice: op.slice)))
            }
            for consumer in graph.consumers[op.stage] {
                try body(.inputGradient(stage: consumer, microbatch: op.microbatch, slice: op.slice))
            }
            for partner in graph.lossPartners[op.stage] {  // several outputs share the loss (`StageGraph`)
                try body(.op(.forward(partner, op.microbatch, slice: op.slice)))
            }
            if op.slice < sequenceSlices - 1 {
                try body(.inputGradient(stage: op.stage, microbatch: op.microbatch, slice: op.slice + 1))
            }
        case .backwardWeight:
            try body(.op(.backwardInput(op.stage, op.microbatch, slice: op.slice)))
        case .recompute, .offload:
            try body(.op(.forward(op.stage, op.microbatch, slice: op.slice)))
        case .reload:
            try body(.op(Op(.offload, stage: op.stage, microbatch: op.microbatch, slice: op.slice)))
        }
    }
}
