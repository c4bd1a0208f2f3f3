import CPSAT
import PipeSched
import PipeSchedILP

/// `auto`'s exact candidate: CP-SAT where OR-Tools is installed, the ILP otherwise. Which one is
/// decided the first time `auto` asks (loading OR-Tools costs about 180 million instructions, more
/// than a whole greedy solve), so a CLI run or a server that never runs `auto` never loads it.
struct AutoProver: SchedulingMethod {
    let cpsat: CPSATMethod
    let ilp: ILPMethod

    private var chosen: any SchedulingMethod { CPSATSolver.isAvailable ? cpsat : ilp }

    var name: String { chosen.name }
    var summary: String { chosen.summary }

    func checkFits(_ problem: Problem) throws(FamilyError) { try chosen.checkFits(problem) }

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        try chosen.schedule(problem, options: options)
    }

    func run(_ problem: Problem, options: SolveOptions) throws(SolveError) -> MethodOutput {
        try chosen.run(problem, options: options)
    }
}
