/// Every scheduling method of the core library, by name: the entry point from a problem to a
/// validated, measured schedule. Executables that link more methods (the ILP) use a
/// `MethodRegistry` extended with them instead; see `MethodRegistry.adding(_:autoCandidates:)`.
public enum Methods {
    /// The core library's methods, `auto` last; `auto` runs all of them but `local`.
    public static let standard: MethodRegistry = {
        let core: [any SchedulingMethod] = ScheduleFamilies.all.map { FamilyMethod(family: $0) } + [ZBGreedyMethod(), ZBVGreedyMethod(), GreedyMethod(), OffloadMethod(), LocalMethod()]
        return MethodRegistry(methods: core, autoCandidates: core.filter { $0.name != "local" })
    }()

    /// Every core method, in listing order.
    public static var all: [any SchedulingMethod] { standard.methods }

    /// Method names and one-line summaries, in listing order.
    public static var catalog: [(name: String, summary: String)] { standard.catalog }

    /// The core method with this name.
    public static func named(_ name: String) -> (any SchedulingMethod)? { standard.named(name) }

    /// Runs the named core method and returns its validated schedule. Nothing invalid is ever returned.
    public static func solve(_ problem: Problem, method: String, options: SolveOptions = SolveOptions()) throws(SolveError) -> Solution {
        try standard.solve(problem, method: method, options: options)
    }

    /// `auto` over the core methods, with its table of candidates.
    public static func solveAuto(_ problem: Problem, options: SolveOptions = SolveOptions()) throws(SolveError) -> (Solution, AutoSearch.Report) {
        try standard.solveAuto(problem, options: options)
    }
}

/// A validated schedule with its evaluation, ready to be written.
public struct Solution: Sendable {
    public let method: String
    public let objective: Objective
    public let evaluation: Evaluation
    /// What an exact solver proved about the schedule, if one produced it.
    public let solver: SolverReport?
    /// The candidates `auto` tried, if `auto` produced it.
    public let candidates: [CandidateSummary]?
    /// The margin kept under every cap, in percent, when the schedule was searched under lowered caps
    /// (`Solution.remeasured(on:headroom:)`); `nil` otherwise.
    public internal(set) var memoryHeadroom: Double?

    /// Simulates, validates and measures `schedule`; throws unless it is valid. A `provenBound`
    /// (default: the solver report's `bestBound`) raises the metrics' lower bound.
    public init(_ problem: Problem, method: String, objective: Objective, schedule: Schedule,
                solver: SolverReport? = nil, provenBound: Double? = nil, candidates: [CandidateSummary]? = nil) throws(SolveError) {
        var evaluation: Evaluation
        do {
            evaluation = try Evaluation(problem, schedule, objective: objective)
        } catch {
            throw .invalid(method: method, issues: [ValidationIssue(.deadlock, error.description)])
        }
        if !evaluation.issues.isEmpty {
            if evaluation.issues.allSatisfy({ $0.rule == .memory }) {
                throw .memoryCapExceeded(method: method, issues: evaluation.issues)
            }
            throw .invalid(method: method, issues: evaluation.issues)
        }
        if let bound = provenBound ?? solver?.bestBound {
            evaluation = evaluation.raisingLowerBound(to: bound, objective: objective)
        }
        self.method = method
        self.objective = objective
        self.evaluation = evaluation
        self.solver = solver
        self.candidates = candidates
    }

    /// Validates and measures what a method returned (its schedule, solver report, proven bound and
    /// candidates); throws unless the schedule is valid.
    public init(_ problem: Problem, method: String, objective: Objective, output: MethodOutput) throws(SolveError) {
        try self.init(problem, method: method, objective: objective, schedule: output.schedule, solver: output.solver,
                      provenBound: output.provenBound, candidates: output.candidates)
    }

    /// The schedule file for this solution.
    public func document(for problem: Problem) -> ScheduleDocument {
        ScheduleDocument(problem: problem, method: method, objective: objective, evaluation: evaluation, solver: solver, candidates: candidates,
                         torchBaseline: candidates.flatMap { TorchBaseline.best(among: $0, on: problem) }, memoryHeadroom: memoryHeadroom)
    }
}
