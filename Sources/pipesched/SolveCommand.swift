import ArgumentParser
import Foundation
import LinearProgramming
import PipeSched
import PipeSchedExport
import PipeSchedILP
import PipeSchedCPSAT

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

        The exact methods (`ilp`, `ilp-window` on --solver; `cpsat`, `cpsat-window` on OR-Tools' \
        CP-SAT with --workers) take --gap and --verbose, and record the solver's status, bound and \
        gap under "solver" in the schedule JSON.
        """
    )

    @Argument(help: "Problem JSON file (schema v1, see docs/problem-format.md); - reads standard input.")
    var problem: String

    @Option(help: "Scheduling method; `pipesched methods` lists them.", completion: .list(MethodRegistry.withILP().methods.map(\.name)))
    var method: String = "auto"

    @Option(help: "What to minimize: stageSpan (longest per-device span, default) or makespan.")
    var objective: Objective = .stageSpan

    @Option(help: "Seconds for searching methods (local: 2 by default; auto: 10; ilp, ilp-window, cpsat, cpsat-window: 30).")
    var timeLimit: Double?

    @Option(help: "MILP solver of the exact methods: glpk, cbc or highs (optional: scripts/install-highs).")
    var solver: SolverKind = .cbc

    @Option(help: "Exact methods: relative gap at which the search stops and counts as optimal (0 = prove optimality).")
    var gap: Double = 0

    @Option(help: "Exact methods: threads for CBC's branch-and-bound (GLPK is single-threaded).")
    var threads: Int = 1

    @Option(help: "CP-SAT methods: parallel workers (default: the machine's cores).")
    var workers: Int?

    @Option(help: "Exact methods: GiB a model may take, estimated before it is built; a larger one is refused (exit 2), naming the window methods.")
    var maxExactMemory: Double = 2

    @Flag(help: "Exact methods: print the solver's log to standard output (do not combine with JSON on standard output).")
    var verbose = false

    @Option(name: .customLong("memory-headroom"),
            help: "Keep every device this many percent below its memory cap (searches under caps × (1 − PCT/100); the result is measured against the real caps).")
    var memoryHeadroom: Double = 0

    @Option(help: "Seed for the local search's move order; the same seed gives the same schedule.")
    var seed: UInt64 = 1

    @Flag(help: "With --method auto: print every candidate's objective, bubble rate, peak memory and time to standard error.")
    var all = false

    @Option(help: ArgumentHelp("With --method auto: leave these candidates out (comma-separated or repeated; `local` skips its local search); --all lists the rest.",
                               valueName: "name"))
    var exclude: [String] = []

    @Option(name: .shortAndLong, help: "Write the schedule here instead of standard output.")
    var output: String?

    @Flag(help: "Print each better schedule a searching method finds to standard error (default: when standard error is a terminal).")
    var progress = false

    @Flag(help: "Print no summary line.")
    var quiet = false

    @Option(help: "Also export the schedule: torch-csv, chrome-trace, svg, html, torchtitan or megatron.")
    var export: ExportFormat?

    @Option(help: "File for --export; default: the --output name with the format's ending, else PROBLEM-NAME.METHOD.<ending> in the current folder.")
    var exportOutput: String?

    @OptionGroup var settings: ExportSettings

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if exportOutput != nil && export == nil { throw ValidationError("--export-output needs --export FORMAT") }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if all && method != "auto" { throw ValidationError("--all goes with --method auto") }
        if !exclude.isEmpty && method != "auto" { throw ValidationError("--exclude goes with --method auto") }
        if !(gap >= 0 && gap < 1) { throw ValidationError("--gap must be a relative gap in [0, 1), for example 0.01") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if !(maxExactMemory > 0 && maxExactMemory.isFinite) { throw ValidationError("--max-exact-memory must be a positive number of GiB") }
        if !solver.isAvailable {
            throw ValidationError("--solver \(solver) is not installed: run scripts/install-highs (or set PIPESCHED_HIGHS_LIBRARY to libhighs.so)")
        }
    }

    /// The methods, with the exact ones configured by the solver options.
    var registry: MethodRegistry {
        let budget = maxExactMemory * 1024 * 1024 * 1024
        var cpsat = CPSATSettings(relativeGap: gap, verbose: verbose, memoryBudget: budget)
        if let workers { cpsat.workers = workers }
        return MethodRegistry.withExactMethods(ILPSettings(solver: solver, relativeGap: gap, threads: threads, verbose: verbose, memoryBudget: budget),
                                               cpsat: cpsat)
    }

    func run() throws {
        let problem = try Input.problem(at: self.problem, limits: limits)
        var options = SolveOptions(objective: objective, timeLimit: timeLimit, seed: seed, excludedCandidates: try excludedCandidates())
        let terminal = isatty(STDERR_FILENO) == 1
        if (progress || terminal) && !quiet {
            options.onIncumbent = SolveProgress(objective: objective).report
        }
        let headroom: MemoryHeadroom, searched: Problem
        do {
            headroom = try MemoryHeadroom(percent: memoryHeadroom)
            searched = try headroom.apply(to: problem)
        } catch {
            throw Failure("\(self.problem): \(error)", code: .badInput)
        }
        let solution: Solution
        do {
            let found: Solution
            if all {
                let (best, report) = try registry.solveAuto(searched, options: options)
                FileHandle.standardError.write(Data(CandidateTable(report, objective: objective).text.utf8))
                found = best
            } else {
                found = try registry.solve(searched, method: method, options: options)
            }
            solution = try found.remeasured(on: problem, headroom: headroom)
        } catch {
            switch error {
            case .memoryCapExceeded, .noScheduleFitsCap, .noScheduleWithinTimeLimit: throw Failure(error.description, code: .memoryCap)
            case .invalid, .solverFailed: throw Failure(error.description, code: .internalError)
            default: throw Failure(error.description, code: .badInput)
            }
        }
        let document = solution.document(for: problem)
        let json: Data
        do { json = try document.json() } catch { throw Failure("cannot encode the schedule: \(error)", code: .internalError) }
        let exportPath = export.map { exportOutput ?? derivedExportPath($0, problemName: problem.name) }
        let exported = try export.map { try ExportRun.export(document, problem: problem, format: $0, settings: settings, output: exportPath) }
        // Every output or none: the schedule, the export and its companion are written as one step.
        try Output.writeAll([(json, output)] + (exported.map { ExportRun.files($0, to: exportPath) } ?? []))
        if let exported { ExportRun.note(exported, path: exportPath) }
        if !quiet && (output != nil || terminal) {
            FileHandle.standardError.write(Data((SolveSummary.line(document, problem: problem, written: output) + "\n").utf8))
        }
    }

    /// The names --exclude gives (each occurrence may list several, comma-separated), checked against
    /// `auto`'s candidates; exit 2 naming the option and listing them for a name it does not run.
    private func excludedCandidates() throws -> Set<String> {
        guard !exclude.isEmpty, let auto = registry.named(method) else { return [] }
        let names = exclude.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        do { return try auto.exclusion(names, field: "--exclude") } catch { throw Failure(error.description, code: .badInput) }
    }

    /// The --output name with the format's ending, or PROBLEM-NAME.METHOD.<ending> in the current folder.
    private func derivedExportPath(_ format: ExportFormat, problemName: String) -> String {
        if let output {
            let base = output.hasSuffix(".json") ? String(output.dropLast(5)) : output
            return base + format.fileExtension
        }
        var stem = problem == Input.standardInput ? problemName : URL(fileURLWithPath: problem).lastPathComponent
        if stem.hasSuffix(".json") { stem.removeLast(5) }
        return "\(stem).\(method)\(format.fileExtension)"
    }
}

extension Objective: ExpressibleByArgument {}
extension SolverKind: ExpressibleByArgument {}
