/// `greedy`: the list scheduler over its policy grid (warm-up depth, B-vs-F priority, W fill rule,
/// chunk order), best schedule by the objective.
struct GreedyMethod: SchedulingMethod {
    let name = "greedy"
    let takesMicrobatchesInNumberOrder = true
    let adaptsToMemoryCaps = true
    let summary = "Greedy list scheduling under memory caps over a grid of policies (warm-up depth, B/F priority, W fill, chunk order); any placement"

    /// Stops with the best schedule so far when `options.shouldStop` says so (a client gone, a time
    /// limit); with none built yet, that is a time-limit failure.
    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        guard let best = GreedySearch.best(problem, objective: options.objective, shouldStop: options.shouldStop) else {
            if options.stopRequested { throw .noScheduleWithinTimeLimit(method: name, seconds: options.timeLimit ?? 0, smallestCap: nil) }
            throw .noScheduleFitsCap(method: name, smallestCap: CapSearch.smallestUniformCap(problem, objective: options.objective))
        }
        return best.schedule
    }
}

/// `zb-greedy`: the Zero Bubble scheduler's own greedy (`zb.py`), kept as a baseline.
struct ZBGreedyMethod: SchedulingMethod {
    let name = "zb-greedy"
    let takesMicrobatchesInNumberOrder = true
    let summary = "Zero Bubble's greedy (Qi et al., ICLR 2024; zb.py): median-flattened costs, 8 flag combinations; baseline, one stage per device"

    func checkFits(_ problem: Problem) throws(FamilyError) {
        guard problem.stageCount == problem.devices && problem.sequenceSlices == 1 else {
            throw FamilyError(method: name, message: "needs one stage per device and no sequence slices (the problem has \(problem.stageCount) stages on \(problem.devices) devices, \(problem.sequenceSlices) slice(s))")
        }
        try FamilyError.requireChain(problem, method: name)
    }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        do { try checkFits(problem) } catch { throw .doesNotFit(error) }
        guard let schedule = ZBGreedy.schedule(problem) else {
            throw .noScheduleFitsCap(method: name, smallestCap: nil)
        }
        return schedule
    }
}
