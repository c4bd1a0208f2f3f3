/// `greedy`: the list scheduler over its policy grid (warm-up depth, B-vs-F priority, W fill rule,
/// chunk order), best schedule by the objective.
struct GreedyMethod: SchedulingMethod {
    let name = "greedy"
    let summary = "Greedy list scheduling under memory caps over a grid of policies (warm-up depth, B/F priority, W fill, chunk order); any placement"

    func fits(_ problem: Problem) -> Bool { true }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        guard let best = GreedySearch.best(problem, objective: options.objective) else {
            throw .noScheduleFitsCap(method: name, smallestCap: CapSearch.smallestUniformCap(problem, objective: options.objective))
        }
        return best.schedule
    }
}

/// `zb-greedy`: the Zero Bubble scheduler's own greedy (`zb.py`), kept as a baseline.
struct ZBGreedyMethod: SchedulingMethod {
    let name = "zb-greedy"
    let summary = "Zero Bubble's greedy (Qi et al., ICLR 2024; zb.py): median-flattened costs, 8 flag combinations; baseline, one stage per device"

    func fits(_ problem: Problem) -> Bool { problem.stageCount == problem.devices && problem.sequenceSlices == 1 }

    func whyNotFit(_ problem: Problem) -> String? {
        fits(problem) ? nil : "needs one stage per device (sequential placement) and unsplit sequences"
    }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        guard fits(problem) else {
            throw .doesNotFit(FamilyError(method: name, message: "needs one stage per device and no sequence slices"))
        }
        guard let schedule = ZBGreedy.schedule(problem) else {
            throw .noScheduleFitsCap(method: name, smallestCap: nil)
        }
        return schedule
    }
}
