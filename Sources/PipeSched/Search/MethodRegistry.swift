/// A set of scheduling methods by name, with the `auto` method that runs them.
///
/// The core library's registry is `Methods.standard`. Libraries that cannot live in the core (the
/// ILP needs C solvers) contribute methods through `adding(_:autoCandidates:)`, and the executables
/// (CLI, server) use the extended registry, so the core never depends on them.
public struct MethodRegistry: Sendable {
    /// Methods callable by name, without `auto`.
    private let named: [any SchedulingMethod]
    /// What `auto` runs, in order, before its local search.
    public let autoCandidates: [any SchedulingMethod]
    /// What `auto` runs after its local search when given a time limit (`ScheduleImprover`).
    public let improvers: [any ScheduleImprover]

    /// A registry of `methods` (not containing `auto`, which is added last) whose `auto` runs
    /// `autoCandidates`, then local search from the best.
    public init(methods: [any SchedulingMethod], autoCandidates: [any SchedulingMethod], improvers: [any ScheduleImprover] = []) {
        named = methods
        self.autoCandidates = autoCandidates
        self.improvers = improvers
    }

    /// This registry plus `methods` (listed and callable by name) and `autoCandidates` (run by `auto`
    /// after the existing ones; may be variants of `methods` with smaller budgets) and `improvers`
    /// (run by `auto` after its local search, when given a time limit).
    public func adding(_ methods: [any SchedulingMethod], autoCandidates: [any SchedulingMethod] = [],
                       improvers: [any ScheduleImprover] = []) -> MethodRegistry {
        MethodRegistry(methods: named + methods, autoCandidates: self.autoCandidates + autoCandidates,
                       improvers: self.improvers + improvers)
    }

    /// Every method, in listing order, `auto` last.
    public var methods: [any SchedulingMethod] { named + [AutoMethod(candidates: autoCandidates, improvers: improvers)] }

    /// Method names and one-line summaries, in listing order.
    public var catalog: [(name: String, summary: String)] { methods.map { ($0.name, $0.summary) } }

    /// The method with this name.
    public func named(_ name: String) -> (any SchedulingMethod)? { methods.first { $0.name == name } }

    /// Runs the named method and returns its validated schedule. Nothing invalid is ever returned.
    public func solve(_ problem: Problem, method: String, options: SolveOptions = SolveOptions()) throws(SolveError) -> Solution {
        guard let chosen = named(method) else { throw .unknownMethod(method) }
        let output = try chosen.run(problem, options: options)
        return try Solution(problem, method: method, objective: options.objective, output: output)
    }

    /// `auto` with its table of candidates. A bound proven by an exact candidate raises the lower bound.
    public func solveAuto(_ problem: Problem, options: SolveOptions = SolveOptions()) throws(SolveError) -> (Solution, AutoSearch.Report) {
        let report = AutoSearch.run(problem, options: options, methods: autoCandidates, improvers: improvers)
        guard let best = report.best else {
            throw .noScheduleFitsCap(method: "auto", smallestCap: CapSearch.smallestUniformCap(problem, objective: options.objective))
        }
        return (try Solution(problem, method: "auto", objective: options.objective, schedule: best, provenBound: report.provenBound,
                             candidates: report.summaries), report)
    }
}
