import ArgumentParser
import Foundation
import PipeSched

/// `pipesched solve`: build a schedule for a problem with one method and write its JSON.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Build a schedule for a problem and write it as schedule JSON (pipesched.schedule.v1).",
        discussion: "The schedule is simulated and validated before anything is written; an invalid schedule is never written."
    )

    @Argument(help: "Problem JSON file (schema v1, see docs/problem-format.md).")
    var problem: String

    @Option(help: "Scheduling method; `pipesched methods` lists them.")
    var method: String

    @Option(help: "What to minimize: stageSpan (longest per-device span, default) or makespan.")
    var objective: Objective = .stageSpan

    @Option(name: .shortAndLong, help: "Write the schedule here instead of standard output.")
    var output: String?

    func run() throws {
        let problem = try Input.problem(at: self.problem)
        let solution: Solution
        do {
            solution = try Methods.solve(problem, method: method, objective: objective)
        } catch {
            switch error {
            case .memoryCapExceeded: throw Failure(error.description, code: .memoryCap)
            case .invalid: throw Failure(error.description, code: .internalError)
            default: throw Failure(error.description, code: .badInput)
            }
        }
        let data = try solution.document(for: problem).json()
        try Output.write(data, to: output)
    }
}

extension Objective: ExpressibleByArgument {}
