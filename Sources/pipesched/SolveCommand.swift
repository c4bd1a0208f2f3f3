import ArgumentParser
import Foundation
import PipeSched
import PipeSchedExport

/// `pipesched solve`: build a schedule for a problem with one method and write its JSON.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Build a schedule for a problem and write it as schedule JSON (pipesched.schedule.v1).",
        discussion: """
        The schedule is simulated and validated before anything is written; an invalid schedule is \
        never written. When no schedule fits the memory cap, the command says so, reports the \
        smallest cap at which the greedy search finds one, writes nothing and exits 3. --export also \
        writes the schedule in another format (as `pipesched export` would); nothing is written when \
        that export is refused.
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

    @Option(help: "Also export the schedule: torch-csv, chrome-trace, svg or html.")
    var export: ExportFormat?

    @Option(help: "File for --export; default: the --output name with the format's ending, else PROBLEM-NAME.METHOD.<ending> in the current folder.")
    var exportOutput: String?

    @OptionGroup var settings: ExportSettings

    func validate() throws {
        if exportOutput != nil && export == nil { throw ValidationError("--export-output needs --export FORMAT") }
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
        let document = solution.document(for: problem)
        let exported = try export.map { try ExportRun.export(document, problem: problem, format: $0, settings: settings) }
        try Output.write(try document.json(), to: output)
        if let export, let exported {
            try ExportRun.write(exported, to: exportOutput ?? derivedExportPath(export))
        }
    }

    /// The --output name with the format's ending, or PROBLEM-NAME.METHOD.<ending> in the current folder.
    private func derivedExportPath(_ format: ExportFormat) -> String {
        if let output {
            let base = output.hasSuffix(".json") ? String(output.dropLast(5)) : output
            return base + format.fileExtension
        }
        var stem = URL(fileURLWithPath: problem).lastPathComponent
        if stem.hasSuffix(".json") { stem.removeLast(5) }
        return "\(stem).\(method)\(format.fileExtension)"
    }
}

extension Objective: ExpressibleByArgument {}
