import ArgumentParser
import Foundation
import PipeSched

/// `pipesched solve`: build a schedule for a problem with one method and write its JSON.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Build a schedule for a problem and write it as schedule JSON (pipesched.schedule.v1).",
        discussion: """
        The schedule is simulated and validated before anything is written; an invalid schedule is \
        never written. When no schedule fits the memory cap, the command says so, reports the \
        smallest cap at which the greedy search finds one, writes nothing and exits 3.
        """
    )

    @Argument(help: "Problem JSON file (schema v1, see docs/problem-format.md).")
    var problem: String

    @Option(help: "Scheduling method; `pipesched methods` lists them.")
    var method: String = "auto"

    @Option(help: "What to minimize: stageSpan (longest per-device span, default) or makespan.")
    var objective: Objective = .stageSpan

    @Option(help: "Seconds for searching methods (local: 2 by default; auto: 10 by default).")
    var timeLimit: Double?

    @Option(help: "Seed for the local search's move order; the same seed gives the same schedule.")
    var seed: UInt64 = 1

    @Flag(help: "With --method auto: print every candidate's objective, bubble rate, peak memory and time to standard error.")
    var all = false

    @Option(name: .shortAndLong, help: "Write the schedule here instead of standard output.")
    var output: String?

    func validate() throws {
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if all && method != "auto" { throw ValidationError("--all goes with --method auto") }
    }

    func run() throws {
        let problem = try Input.problem(at: self.problem)
        let options = SolveOptions(objective: objective, timeLimit: timeLimit, seed: seed)
        let solution: Solution
        do {
            if all {
                let (best, report) = try Methods.solveAuto(problem, options: options)
                FileHandle.standardError.write(Data(CandidateTable(report, problem: problem, objective: objective).text.utf8))
                solution = best
            } else {
                solution = try Methods.solve(problem, method: method, options: options)
            }
        } catch {
            switch error {
            case .memoryCapExceeded, .noScheduleFitsCap: throw Failure(error.description, code: .memoryCap)
            case .invalid: throw Failure(error.description, code: .internalError)
            default: throw Failure(error.description, code: .badInput)
            }
        }
        try Output.write(solution.document(for: problem).json(), to: output)
    }
}

extension Objective: ExpressibleByArgument {}
