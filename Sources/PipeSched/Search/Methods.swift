/// Every scheduling method the tool offers, by name: the entry point from a problem to a validated,
/// measured schedule.
public enum Methods {
    /// Every method, in listing order.
    public static let all: [any SchedulingMethod] = ScheduleFamilies.all.map { FamilyMethod(family: $0) }
        + [ZBGreedyMethod(), GreedyMethod(), LocalMethod(), AutoMethod()]

    /// The methods `auto` runs before its local search (all but `local` and `auto`).
    static var candidates: [any SchedulingMethod] { all.filter { $0.name != "local" && $0.name != "auto" } }

    /// Method names and one-line summaries, in listing order.
    public static var catalog: [(name: String, summary: String)] { all.map { ($0.name, $0.summary) } }

    /// The method with this name.
    public static func named(_ name: String) -> (any SchedulingMethod)? { all.first { $0.name == name } }

    /// Runs the named method and returns its validated schedule. Nothing invalid is ever returned.
    public static func solve(_ problem: Problem, method: String, options: SolveOptions = SolveOptions()) throws(SolveError) -> Solution {
        guard let chosen = named(method) else { throw .unknownMethod(method) }
        let schedule = try chosen.schedule(problem, options: options)
        return try Solution(problem, method: method, objective: options.objective, schedule: schedule)
    }

    /// `auto` with its table of candidates.
    public static func solveAuto(_ problem: Problem, options: SolveOptions = SolveOptions()) throws(SolveError) -> (Solution, AutoSearch.Report) {
        let report = AutoSearch.run(problem, options: options, methods: candidates)
        guard let best = report.best else {
            throw .noScheduleFitsCap(method: "auto", smallestCap: CapSearch.smallestUniformCap(problem, objective: options.objective))
        }
        return (try Solution(problem, method: "auto", objective: options.objective, schedule: best), report)
    }
}

/// A validated schedule with its evaluation, ready to be written.
public struct Solution: Sendable {
    public let method: String
    public let objective: Objective
    public let evaluation: Evaluation

    /// Simulates, validates and measures `schedule`; throws unless it is valid.
    public init(_ problem: Problem, method: String, objective: Objective, schedule: Schedule) throws(SolveError) {
        let evaluation: Evaluation
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
        self.method = method
        self.objective = objective
        self.evaluation = evaluation
    }

    /// The schedule file for this solution.
    public func document(for problem: Problem) -> ScheduleDocument {
        ScheduleDocument(problem: problem, method: method, objective: objective, evaluation: evaluation)
    }
}
