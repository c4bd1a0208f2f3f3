/// `zbv-greedy`: Zero Bubble's V greedy (`zbv.py`), a peer baseline and one of `auto`'s candidates.
struct ZBVGreedyMethod: SchedulingMethod {
    let name = "zbv-greedy"
    let takesMicrobatchesInNumberOrder = true
    let summary = "Zero Bubble's V greedy (Qi et al., ICLR 2024; zbv.py): median-flattened costs, fill_b × fill_f with approved-bubble re-run; V placement"

    func checkFits(_ problem: Problem) throws(FamilyError) {
        guard problem.placement == .v, problem.sequenceSlices == 1, problem.pipelines == 1 else {
            throw FamilyError(method: name, message: "needs the V placement (\"placement\": \"v\") of one pipeline and no sequence slices")
        }
        try FamilyError.requireChain(problem, method: name)
    }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        do { try checkFits(problem) } catch { throw .doesNotFit(error) }
        guard let schedule = ZBVGreedy.schedule(problem) else {
            throw .noScheduleFitsCap(method: name, smallestCap: nil)
        }
        return schedule
    }
}
