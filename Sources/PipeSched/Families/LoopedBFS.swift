/// Looped breadth-first: each device runs one local stage for every microbatch before its next local
/// stage, forwards in model order and microbatch order, then backwards (fused BW) in the reverse of
/// that order: stages in reverse, microbatches from the last down.
///
/// Lamy-Poirier, "Breadth-First Pipeline Parallelism", MLSys 2023. On the interleaved placement with
/// at least two stages per device these are the orders of PyTorch's `ScheduleLoopedBFS`
/// (`TorchClassTests`), which runs only there. Works for any placement; with one stage per device it
/// is GPipe with its backwards reversed. With sequence slices every slice is a unit, and the reverse
/// runs each microbatch's slices from the last down, as their backwards need.
public struct LoopedBFS: ScheduleFamily {
    public let name = "bfs"
    public let summary = "Looped breadth-first (Lamy-Poirier, MLSys 2023): each local stage for all microbatches, forwards then backwards in reverse; any placement, PyTorch's ScheduleLoopedBFS on the interleaved one"
    public let torchClass: String? = "ScheduleLoopedBFS"

    public init() {}

    /// PyTorch's class runs the interleaved placement with two or more stages per device, whole sequences.
    public func torchClass(for problem: Problem) -> String? { torchClassOnLoopPlacement(problem) }

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        let forwardOrder = (0..<problem.microbatches * problem.sequenceSlices).map { forwardUnit($0, problem) }
        return Schedule(orders: problem.deviceStages.map { stages in
            stages.flatMap { stage in forwardOrder.map { Op.forward(stage, $0.microbatch, slice: $0.slice) } }
                + stages.reversed().flatMap { stage in forwardOrder.reversed().map { Op.backward(stage, $0.microbatch, slice: $0.slice) } }
        })
    }
}
