import PipeSched
import Testing

/// Exhaustive search as the referee of an exact method's claims on one tiny problem: the schedule is
/// valid and never better than the exhaustive optimum `reference`, the proven bound never above it,
/// and "optimal" only at it; with `mustProve`, the method must also claim "optimal".
enum ExactReferee {
    static func check(_ problem: Problem, _ objective: Objective, schedule: Schedule, bound: Double?, status: String,
                      reference: Double, mustProve: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let evaluation = try Evaluation(problem, schedule, objective: objective)
        let value = evaluation.metrics.value(of: objective)
        #expect(evaluation.isValid, "\(problem.name): \(evaluation.issues)", sourceLocation: sourceLocation)
        #expect((bound ?? 0) <= reference * (1 + 1e-9), "\(problem.name) \(objective): bound \(bound ?? 0) > \(reference)", sourceLocation: sourceLocation)
        #expect(value >= reference * (1 - 1e-9), sourceLocation: sourceLocation)
        if mustProve { #expect(status == "optimal", "\(problem.name) \(objective): \(status)", sourceLocation: sourceLocation) }
        if status == "optimal" {
            #expect(abs(value - reference) <= 1e-6 * reference, "\(problem.name) \(objective): optimal \(value), exhaustive \(reference)",
                    sourceLocation: sourceLocation)
        }
    }
}
