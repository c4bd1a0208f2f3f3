/// A schedule simulated, validated and measured: everything needed to report or export it.
public struct Evaluation: Sendable {
    /// The timed passes.
    public let timeline: Timeline
    /// Figures of merit under the chosen objective.
    public let metrics: Metrics
    /// Why the schedule is not acceptable; empty when valid.
    public let issues: [ValidationIssue]
    /// Idle intervals with the memory free during them.
    public let bubbles: [Bubble]
    /// The chain of passes that determines the end of the step.
    public let criticalPath: [Op]

    /// Whether the schedule passed the validator.
    public var isValid: Bool { issues.isEmpty }

    /// Simulates `schedule` as soon as possible, then validates and measures the result;
    /// `lowerBound` defaults to `LowerBound`'s (give it where the caller has computed it already).
    public init(_ problem: Problem, _ schedule: Schedule, objective: Objective, lowerBound: Double? = nil) throws(SimulationError) {
        let simulation = try Simulator.simulate(problem, schedule)
        self.init(problem, simulation.timeline, objective: objective, criticalPath: simulation.criticalPath, lowerBound: lowerBound)
    }

    /// Validates and measures a timeline whose times are claimed (for example read from a file).
    public init(_ problem: Problem, _ timeline: Timeline, objective: Objective, criticalPath: [Op] = [], lowerBound: Double? = nil) {
        self.timeline = timeline
        issues = Validator.validate(problem, timeline)
        metrics = Metrics(problem, timeline, objective: objective, lowerBound: lowerBound)
        bubbles = issues.isEmpty ? problem.bubbles(in: timeline) : []
        self.criticalPath = criticalPath
    }

    private init(timeline: Timeline, metrics: Metrics, issues: [ValidationIssue], bubbles: [Bubble], criticalPath: [Op]) {
        self.timeline = timeline
        self.metrics = metrics
        self.issues = issues
        self.bubbles = bubbles
        self.criticalPath = criticalPath
    }

    /// The same evaluation with a lower bound proven elsewhere (see `Metrics.raisingLowerBound`).
    public func raisingLowerBound(to bound: Double, objective: Objective) -> Evaluation {
        Evaluation(timeline: timeline, metrics: metrics.raisingLowerBound(to: bound, objective: objective),
                   issues: issues, bubbles: bubbles, criticalPath: criticalPath)
    }
}
