/// Every scheduling method the tool offers, by name: the entry point from problem to a validated,
/// measured schedule.
public enum Methods {
    /// Method names and one-line summaries, in listing order.
    public static var catalog: [(name: String, summary: String)] {
        ScheduleFamilies.all.map { ($0.name, $0.summary) }
    }

    /// Runs the named method and returns its validated schedule. Nothing invalid is ever returned.
    public static func solve(_ problem: Problem, method: String, objective: Objective = .stageSpan) throws(SolveError) -> Solution {
        guard let family = ScheduleFamilies.named(method) else { throw .unknownMethod(method) }
        let schedule: Schedule
        do { schedule = try family.build(problem) } catch { throw .doesNotFit(error) }
        return try Solution(problem, method: method, objective: objective, schedule: schedule)
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
