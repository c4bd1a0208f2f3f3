import Foundation
import PipeSched

/// Stands in for an exact (ILP) solver in the job tests: its name contains "ilp", so the server
/// runs it as a job; it reports the 1F1B schedule as its incumbent, then searches until asked to
/// stop (or its time limit passes) and returns that incumbent. With it, cancellation and queue
/// tests do not depend on how long a real search happens to take.
struct SpinMethod: SchedulingMethod {
    let name = "ilp-spin"
    let summary = "Test stand-in for an ILP method: holds a solver slot until stopped"

    func schedule(_ problem: Problem, options: SolveOptions) throws(SolveError) -> Schedule {
        let start = Date()
        let incumbent = try Methods.named("1f1b")!.schedule(problem, options: options)
        if let evaluation = try? Evaluation(problem, incumbent, objective: options.objective) {
            options.onIncumbent?(evaluation.metrics.value(of: options.objective))
        }
        while !options.stopRequested, Date().timeIntervalSince(start) < (options.timeLimit ?? 60) {
            Thread.sleep(forTimeInterval: 0.002)
        }
        return incumbent
    }
}
