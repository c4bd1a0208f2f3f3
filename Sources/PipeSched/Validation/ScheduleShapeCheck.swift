/// Whether a schedule has the shape of its problem: one row per device and every pass naming a
/// stage, microbatch and slice the problem has. Readers run it on a schedule from outside (a file,
/// a CSV) before anything indexes the problem's arrays with the schedule's numbers, so a schedule
/// made for another problem is reported, never a crash.
public enum ScheduleShapeCheck {
    /// Issues of shape (rule `structure`), at most `limit` of them; empty when every index is in range.
    public static func issues(_ problem: Problem, _ schedule: Schedule, limit: Int = 50) -> [ValidationIssue] {
        guard schedule.orders.count == problem.devices else {
            return [.init(.structure, "the schedule has \(schedule.orders.count) device rows but the problem has \(problem.devices) devices")]
        }
        var issues: [ValidationIssue] = []
        for (device, order) in schedule.orders.enumerated() {
            for op in order where !contains(problem, op) {
                issues.append(.init(.structure, "\(op) on device \(device) is outside the problem (\(problem.stageCount) stages, \(problem.microbatches) microbatches, \(problem.sequenceSlices) slices)"))
                if issues.count >= limit { return issues }
            }
        }
        return issues
    }

    /// Issues of shape of a timed schedule.
    public static func issues(_ problem: Problem, _ timeline: Timeline, limit: Int = 50) -> [ValidationIssue] {
        issues(problem, Schedule(timeline), limit: limit)
    }

    /// Whether the problem has the pass's stage, microbatch and slice.
    public static func contains(_ problem: Problem, _ op: Op) -> Bool {
        (0..<problem.stageCount).contains(op.stage) && (0..<problem.microbatches).contains(op.microbatch)
            && (0..<problem.sequenceSlices).contains(op.slice)
    }
}
