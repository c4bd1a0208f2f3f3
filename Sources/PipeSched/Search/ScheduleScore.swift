/// Which of two schedules is better: the one comparator that every search, `auto`, the exact
/// methods' warm start and window search read.
///
/// Lexicographic, each key with a relative tolerance of 1e-9:
/// 1. the objective (what the user asked for);
/// 2. the peak memory over devices (at equal speed, the schedule with more headroom on a real GPU);
/// 3. the sum of device spans (progress on one of several devices that share the maximum counts);
/// 4. the sum of the end times of input-gradient passes (gradients flowing back sooner is what later
///    moves build on).
public struct ScheduleScore: Sendable {
    /// The keys of the comparison, in order. The greedy list scheduler computes them from its own
    /// re-timing without a `Timeline` (`ListScheduler`), and compares them with the same rule.
    public struct Key: Sendable {
        public var value: Double
        public var peak: Double
        public var totalSpan: Double
        public var gradientFlow: Double

        /// Whether these keys are strictly better than `other`'s (see `ScheduleScore`).
        public func isBetter(than other: Key) -> Bool {
            func compare(_ mine: Double, _ theirs: Double) -> Bool? {
                let tolerance = 1e-9 * max(1, abs(theirs))
                if mine < theirs - tolerance { return true }
                if mine > theirs + tolerance { return false }
                return nil
            }
            return compare(value, other.value) ?? compare(peak, other.peak) ?? compare(totalSpan, other.totalSpan)
                ?? compare(gradientFlow, other.gradientFlow) ?? false
        }
    }

    public let key: Key
    public var value: Double { key.value }
    public var peak: Double { key.peak }
    public var totalSpan: Double { key.totalSpan }
    public var gradientFlow: Double { key.gradientFlow }
    /// The simulated schedule.
    public let timeline: Timeline
    /// Devices whose span (stage span) or critical path (makespan) sets the objective.
    public let criticalDevices: [Int]

    /// Simulates `schedule`; `nil` when it deadlocks or breaks a memory cap (peaks above
    /// `Problem.memoryCeiling`, the validator's test on the same memory walk).
    public init?(_ problem: Problem, _ schedule: Schedule, objective: Objective) {
        guard let simulation = try? Simulator.simulate(problem, schedule) else { return nil }
        for (device, peak) in simulation.peakMemory.enumerated() where peak > problem.memoryCeiling(device: device) { return nil }
        self.init(problem, simulation.timeline, peakMemory: simulation.peakMemory, criticalPath: simulation.criticalPath, objective: objective)
    }

    /// The score of an evaluated schedule.
    public init(_ problem: Problem, _ evaluation: Evaluation, objective: Objective) {
        self.init(problem, evaluation.timeline, peakMemory: evaluation.metrics.peakMemory, criticalPath: evaluation.criticalPath,
                  objective: objective)
    }

    private init(_ problem: Problem, _ timeline: Timeline, peakMemory: [Double], criticalPath: [Op], objective: Objective) {
        self.timeline = timeline
        let value: Double
        let spans = timeline.map { row in (row.last?.end ?? 0) - (row.first?.start ?? 0) }
        let stageSpan = spans.max() ?? 0
        switch objective {
        case .stageSpan:
            value = stageSpan
            criticalDevices = spans.indices.filter { spans[$0] >= stageSpan - 1e-9 }
        case .makespan:
            let first = timeline.compactMap { $0.first?.start }.min() ?? 0
            let last = timeline.compactMap { $0.last?.end }.max() ?? 0
            value = last - first
            criticalDevices = Array(Set(criticalPath.map { problem.stageDevice[$0.stage] })).sorted()
        }
        key = Key(value: value, peak: peakMemory.max() ?? 0, totalSpan: spans.reduce(0, +),
                  gradientFlow: timeline.reduce(0) { sum, row in row.reduce(sum) { $0 + ($1.op.kind.producesInputGradient ? $1.end : 0) } })
    }

    /// Whether this schedule is strictly better than `other` (see the type's keys).
    public func isBetter(than other: ScheduleScore) -> Bool { key.isBetter(than: other.key) }

    /// The execution orders.
    public var orders: [[Op]] { timeline.map { $0.map(\.op) } }
}
