/// Looped breadth-first: each device runs one local stage for every microbatch before its next local
/// stage, forwards in model order, then backwards in reverse (fused BW).
///
/// Lamy-Poirier, "Breadth-First Pipeline Parallelism", MLSys 2023; PyTorch's `ScheduleLoopedBFS`.
/// Works for any placement; with one stage per device it is GPipe. With sequence slices every slice is
/// a unit, forwards slice by slice and each microbatch's backwards in reverse slice order.
public struct LoopedBFS: ScheduleFamily {
    public let name = "bfs"
    public let summary = "Looped breadth-first (Lamy-Poirier, MLSys 2023): each local stage for all microbatches, forwards then backwards; any placement"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        let units = problem.microbatches * problem.sequenceSlices
        return Schedule(orders: problem.deviceStages.map { stages in
            stages.flatMap { stage in
                (0..<units).map { k in let u = forwardUnit(k, problem); return Op.forward(stage, u.microbatch, slice: u.slice) }
            } + stages.reversed().flatMap { stage in
                (0..<units).map { k in let u = backwardUnit(k, problem); return Op.backward(stage, u.microbatch, slice: u.slice) }
            }
        })
    }
}
