/// Looped breadth-first: each device runs one local stage for every microbatch before its next local
/// stage, forwards in model order, then backwards in reverse (fused BW).
///
/// Lamy-Poirier, "Breadth-First Pipeline Parallelism", MLSys 2023; PyTorch's `ScheduleLoopedBFS`.
/// Works for any placement; with one stage per device it is GPipe.
public struct LoopedBFS: ScheduleFamily {
    public let name = "bfs"
    public let summary = "Looped breadth-first (Lamy-Poirier, MLSys 2023): each local stage for all microbatches, forwards then backwards; any placement"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireWholeSequences(problem)
        let m = problem.microbatches
        return Schedule(orders: problem.deviceStages.map { stages in
            stages.flatMap { stage in (0..<m).map { Op.forward(stage, $0) } }
                + stages.reversed().flatMap { stage in (0..<m).map { Op.backward(stage, $0) } }
        })
    }
}
