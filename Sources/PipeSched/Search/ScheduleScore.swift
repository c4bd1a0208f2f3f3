/// How good a candidate order is, for comparing candidates during a search: the objective, then the
/// sum of device spans (so progress on one of several critical devices counts), then the sum of the
/// end times of input-gradient passes (gradients flowing back sooner is what later moves build on),
/// then peak memory.
/// `nil` when the order deadlocks or breaks a memory cap.
struct ScheduleScore {
    let value: Double
    let totalSpan: Double
    let gradientFlow: Double
    let peak: Double
    let timeline: Timeline
    /// Devices whose span (stage span) or critical path (makespan) sets the objective.
    let criticalDevices: [Int]

    init?(_ problem: Problem, _ schedule: Schedule, objective: Objective) {
        guard let simulation = try? Simulator.simulate(problem, schedule) else { return nil }
        for (device, peak) in simulation.peakMemory.enumerated() where peak > problem.cap(device: device) + 1e-9 { return nil }
        peak = simulation.peakMemory.max() ?? 0
        timeline = simulation.timeline
        let spans = simulation.timeline.map { row in (row.last?.end ?? 0) - (row.first?.start ?? 0) }
        let stageSpan = spans.max() ?? 0
        switch objective {
        case .stageSpan:
            value = stageSpan
        case .makespan:
            let first = simulation.timeline.compactMap { $0.first?.start }.min() ?? 0
            let last = simulation.timeline.compactMap { $0.last?.end }.max() ?? 0
            value = last - first
        }
        totalSpan = spans.reduce(0, +)
        gradientFlow = simulation.timeline.reduce(0) { sum, row in
            row.reduce(sum) { $0 + ($1.op.kind.producesInputGradient ? $1.end : 0) }
        }
        switch objective {
        case .stageSpan:
            criticalDevices = spans.indices.filter { spans[$0] >= stageSpan - 1e-9 }
        case .makespan:
            criticalDevices = Array(Set(simulation.criticalPath.map { problem.stageDevice[$0.stage] })).sorted()
        }
    }

    /// Lexicographic comparison of (objective, total span, gradient flow, peak), each with a relative
    /// tolerance.
    func isBetter(than other: ScheduleScore) -> Bool {
        for (mine, theirs) in [(value, other.value), (totalSpan, other.totalSpan), (gradientFlow, other.gradientFlow), (peak, other.peak)] {
            let tolerance = 1e-9 * max(1, abs(theirs))
            if mine < theirs - tolerance { return true }
            if mine > theirs + tolerance { return false }
        }
        return false
    }
}
