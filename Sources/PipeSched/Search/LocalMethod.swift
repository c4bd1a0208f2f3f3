/// `local`: local search from the best greedy schedule.
struct LocalMethod: SchedulingMethod {
    let name = "local"
    let summary = "Local search (squeeze, swaps, W moves; seeded) from the best greedy schedule, within --time-limit (default 2 s)"

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        let start = try GreedyMethod().schedule(problem, options: options)
        let search = LocalSearch(problem: problem, objective: options.objective, timeLimit: options.timeLimit ?? 2, seed: options.seed,
                                 shouldStop: options.shouldStop, onIncumbent: options.onIncumbent)
        return search.improve(start).schedule
    }
}

/// `auto`: every candidate method that fits, then local search from the best.
struct AutoMethod: SchedulingMethod {
    let name = "auto"
    let summary = "Every method that fits the problem (and the exact search, CP-SAT or else the ILP, when the problem is small enough to prove), then local search from the best, then with --time-limit CP-SAT windows from the best for the time left; returns the best valid schedule (default; --all prints the table)"
    /// The methods it runs before its local search (see `MethodRegistry.autoCandidates`).
    let candidates: [any SchedulingMethod]
    /// What it runs after its local search when given a time limit (see `MethodRegistry.improvers`).
    var improvers: [any ScheduleImprover] = []

    var excludableCandidates: [String] { AutoSearch.candidateNames(methods: candidates, improvers: improvers) }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        try run(problem, options: options).schedule
    }

    func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        let report = AutoSearch.run(problem, options: options, methods: candidates, improvers: improvers)
        guard let best = report.best else {
            throw .noScheduleFitsCap(method: name, smallestCap: CapSearch.smallestUniformCap(problem, objective: options.objective))
        }
        return MethodOutput(schedule: best, provenBound: report.provenBound, candidates: report.summaries)
    }
}
