import Testing
@testable import PipeSched

/// Exhaustive search as the referee of the lower bounds: on a tiny problem, for both objectives,
/// every part of `LowerBound` is at most the exhaustive optimum, and the optimum's schedule passes
/// the timed validator. `splitOnly` leaves fused `BW` passes out of the enumeration (much smaller),
/// which keeps the optimum only where fusing cannot lower a peak; `mustFinish` records an issue when
/// the problem is too large for the referee instead of skipping it.
enum BoundReferee {
    static func check(_ problem: Problem, maximumSchedules: Int = 50_000, splitOnly: Bool = false, mustFinish: Bool = false,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!splitOnly || !problem.fusedBackwardCanLowerPeak, "split-only enumeration would miss fused optima on \(problem.name)",
                sourceLocation: sourceLocation)
        let options = ExhaustiveSearch.Options(fusedBackward: !splitOnly, maximumSchedules: maximumSchedules)
        for objective in Objective.allCases {
            guard let reference = ExhaustiveSearch.solve(problem, objective: objective, options: options) else {
                #expect(!mustFinish, "\(problem.name) is too large for the referee", sourceLocation: sourceLocation)
                continue
            }
            let parts = LowerBound.parts(problem, objective: objective)
            for (name, bound) in parts.named {
                #expect(bound <= reference.optimum + 1e-9, "\(objective) \(name) bound \(bound) > optimum \(reference.optimum) on \(problem.name)",
                        sourceLocation: sourceLocation)
            }
            let timeline = try Simulator.simulate(problem, reference.best).timeline
            #expect(Validator.validate(problem, timeline).isEmpty, "\(problem.name)", sourceLocation: sourceLocation)
        }
    }
}
