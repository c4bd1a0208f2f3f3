import Foundation
import Testing
@testable import PipeSched

/// The registry seam through which methods outside the core (the ILP) join the tool and `auto`,
/// and proven bounds reach the schedule file.
@Suite struct MethodRegistryTests {
    /// A stand-in for an exact method: GPipe's schedule with a claimed proven bound.
    struct ProvingMethod: SchedulingMethod {
        let name = "proving"
        let summary = "test double"
        let bound: Double

        func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
            do { return try GPipe().build(problem) } catch { throw .doesNotFit(error) }
        }

        func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
            MethodOutput(schedule: try schedule(problem, options: options),
                         solver: SolverReport(name: "test", status: "feasible", bestBound: bound))
        }
    }

    @Test func addedMethodsAreListedBeforeAutoAndCallableByName() throws {
        let registry = Methods.standard.adding([ProvingMethod(bound: 1)])
        #expect(registry.methods.map(\.name).suffix(2) == ["proving", "auto"])
        #expect(registry.named("proving") != nil)
        #expect(Methods.named("proving") == nil)
        #expect(!registry.autoCandidates.contains { $0.name == "proving" })
    }

    @Test func aProvenBoundRaisesTheLowerBoundAndLandsInTheDocument() throws {
        let problem = TestProblems.unit(devices: 2, microbatches: 4)
        let simple = LowerBound.value(problem, objective: .stageSpan)
        let registry = Methods.standard.adding([ProvingMethod(bound: simple + 1)])
        let solution = try registry.solve(problem, method: "proving")
        #expect(solution.evaluation.metrics.lowerBound == simple + 1)
        let value = solution.evaluation.metrics.stageSpan
        #expect(abs(solution.evaluation.metrics.gap - (value - simple - 1) / value) < 1e-12)
        let document = try ScheduleDocument.decode(json: solution.document(for: problem).json())
        #expect(document.solver?.bestBound == simple + 1)
        #expect(document.metrics.lowerBound == simple + 1)
    }

    @Test func autoCandidatesContributeTheirBound() throws {
        let problem = TestProblems.unit(devices: 2, microbatches: 4)
        let simple = LowerBound.value(problem, objective: .stageSpan)
        let registry = Methods.standard.adding([], autoCandidates: [ProvingMethod(bound: simple + 0.5)])
        let (solution, report) = try registry.solveAuto(problem, options: SolveOptions(timeLimit: 0.2))
        #expect(report.provenBound == simple + 0.5)
        #expect(report.candidates.contains { $0.method == "proving" })
        #expect(solution.evaluation.metrics.lowerBound >= simple + 0.5 || solution.evaluation.metrics.gap == 0)
    }

    /// A bound above a valid schedule's value is a bug: it is reported as it is (a negative gap the
    /// tests catch), never clamped into a false "optimal".
    @Test func aBoundAboveTheValueIsReportedNotClamped() {
        let problem = TestProblems.unit(devices: 2, microbatches: 2)
        let metrics = Metrics(problem, try! Simulator.simulate(problem, GPipe().build(problem)).timeline, objective: .makespan)
        let raised = metrics.raisingLowerBound(to: metrics.makespan + 10, objective: .makespan)
        #expect(raised.lowerBound == metrics.makespan + 10)
        #expect(raised.gap < 0)
        // Floating-point noise is not a bug: within 1e-9 relative the gap reads 0.
        #expect(metrics.raisingLowerBound(to: metrics.makespan * (1 + 1e-12), objective: .makespan).gap == 0)
    }
}
